namespace Enrichers.Tracing;

/// <summary>Options of trace linking (section <c>Enrichment:Trace</c>). The state is kept per stream (per
/// Kafka partition in the worker, per stdin in <c>enrich</c>) and bounded by both settings.</summary>
public sealed class TraceLinkingOptions
{
    /// <summary>Most traces remembered by all streams of a chain together (all partitions of a worker); a stream
    /// that needs room forgets its own least recently seen trace. Default 100,000 (about 20 MB in all). A
    /// forgotten trace that shows up again starts over at <c>trace_seq</c> 1.</summary>
    public int MaxTraces { get; set; } = 100_000;

    /// <summary>A trace not seen for this long is forgotten. Default 10 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxTraces is < 1 or > 10_000_000)
        {
            yield return $"{prefix}:MaxTraces is {MaxTraces}; allowed: 1 to 10000000.";
        }

        if (IdleTimeout <= TimeSpan.Zero || IdleTimeout > TimeSpan.FromDays(1))
        {
            yield return $"{prefix}:IdleTimeout is {IdleTimeout}; allowed: more than 00:00:00, up to 1.00:00:00 (one day).";
        }
    }
}
