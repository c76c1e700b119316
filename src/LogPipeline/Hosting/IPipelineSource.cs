namespace LogPipeline.Hosting;

/// <summary>The worker's view of its source (Kafka): check the connection at start, run until asked to stop, then
/// drain and commit.</summary>
internal interface IPipelineSource : IAsyncDisposable
{
    /// <summary>Ready for readiness: consumer alive, partitions assigned or waiting for an assignment.</summary>
    bool IsHealthy { get; }

    /// <summary>True once a record was received: before that a stop has nothing to drain or commit.</summary>
    bool HasConsumed { get; }

    /// <summary>Fails with <see cref="DependencyUnavailableException"/> when the source's system does not answer
    /// within <paramref name="timeout"/>.</summary>
    Task CheckConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Starts the sink and consumes until <paramref name="stoppingToken"/> fires, then stops consuming,
    /// waits up to <paramref name="drainTimeout"/> for in-flight records to be acknowledged, commits the acknowledged
    /// offsets and returns whether everything in flight was acknowledged and committed. The drain deadline counts
    /// from the stop request.</summary>
    Task<bool> RunAsync(TimeSpan drainTimeout, CancellationToken stoppingToken);

    /// <summary>After <see cref="RunAsync"/> returned false: what was not acknowledged or committed, in one sentence.</summary>
    string DescribeIncompleteStop();
}
