namespace LogPipeline.Pipeline;

/// <summary>Where processed records go (Elasticsearch, or NDJSON files). A sink batches, retries
/// transient failures by itself without limit (with backoff), and reports each record's fate through the
/// acknowledger given to <see cref="StartAsync"/>. It never drops a record silently.</summary>
internal interface IRecordSink : IAsyncDisposable
{
    /// <summary>Prepares the destination (bootstrap) and remembers the acknowledger.</summary>
    Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken);

    /// <summary>Hands one processed record to the sink. Waits while the sink's buffer is full
    /// (backpressure).</summary>
    ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken);

    /// <summary>Sends what is buffered and waits until every record handed over so far was acknowledged or
    /// rejected.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>False while the destination is unreachable (readiness probe).</summary>
    bool IsHealthy { get; }
}
