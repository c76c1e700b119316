namespace Enrichers.Tracing;

/// <summary>What a session remembers about one trace.</summary>
internal sealed class TraceState(string traceId)
{
    public string TraceId { get; } = traceId;

    /// <summary>Records seen so far.</summary>
    public long Seq { get; set; }

    /// <summary>The earliest <c>@timestamp</c> seen so far, Unix milliseconds.</summary>
    public long EarliestMs { get; set; }

    /// <summary><c>service_name</c> of the earliest record (null when it had none).</summary>
    public string? RootService { get; set; }

    /// <summary>When the trace was last seen, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long LastSeen { get; set; }

    /// <summary>Elapsed ms of the record just linked (from <see cref="EarliestMs"/>).</summary>
    public long LastElapsedMs { get; set; }

    /// <summary>The more recently seen neighbour in the session's recency list.</summary>
    public TraceState? Previous { get; set; }

    /// <summary>The less recently seen neighbour in the session's recency list.</summary>
    public TraceState? Next { get; set; }
}
