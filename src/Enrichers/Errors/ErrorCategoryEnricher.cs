using Enrichers.Json;

namespace Enrichers.Errors;

/// <summary>Assigns error_category to error records (placeholder: the chain helper replaces this file).</summary>
public sealed class ErrorCategoryEnricher(ErrorCategoryOptions options, EnrichmentStatistics statistics) : ILogEnricher
{
    public string Name => "error_category";

    public void Enrich(LogRecord record)
    {
        _ = (options, statistics, record);
    }
}
