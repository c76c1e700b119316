using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>PII and credential masking (placeholder: the masking helper replaces this file).</summary>
public sealed class PiiMaskingEnricher(MaskingOptions options, EnrichmentStatistics statistics) : ILogEnricher
{
    public string Name => "masking";

    public void Enrich(LogRecord record)
    {
        _ = (options, statistics, record);
    }
}
