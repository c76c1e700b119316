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

    public LinkedListNode<TraceState>? Node { get; set; }
}
