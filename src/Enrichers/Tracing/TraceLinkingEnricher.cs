using Enrichers.Json;

namespace Enrichers.Tracing;

/// <summary>Normalizes trace IDs and links the records of a trace (placeholder: the chain helper replaces
/// this file with the real implementation).</summary>
public sealed class TraceLinkingEnricher(TraceLinkingOptions options, EnrichmentStatistics statistics, TimeProvider time) : ISessionEnricher
{
    public string Name => "trace";

    public void Enrich(LogRecord record)
    {
        _ = (options, statistics, time, record);
    }

    public void Dispose()
    {
    }
}
