using Enrichers.Json;

namespace Enrichers;

/// <summary>Runs enrichers in order. One failing enricher never loses the record: the exception is caught,
/// counted and reported, and the remaining enrichers still run (Serilog's safe aggregate enricher).</summary>
public sealed class EnricherPipeline
{
    private readonly ILogEnricher[] _enrichers;
    private readonly EnrichmentStatistics _statistics;

    public EnricherPipeline(IEnumerable<ILogEnricher> enrichers, EnrichmentStatistics statistics)
    {
        _enrichers = enrichers.ToArray();
        _statistics = statistics;
    }

    public IReadOnlyList<ILogEnricher> Enrichers => _enrichers;

    public void Enrich(LogRecord record)
    {
        foreach (var enricher in _enrichers)
        {
            try
            {
                enricher.Enrich(record);
            }
            catch (Exception ex)
            {
                _statistics.ReportFailure(enricher.Name, ex);
            }
        }
    }
}
