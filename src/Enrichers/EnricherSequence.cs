using Enrichers.Json;

namespace Enrichers;

/// <summary>The ordered enrichers of one session (or one stage of it), run one after another on a record; not the
/// configured chain (<see cref="EnrichmentChain"/>) nor the per-stream state (<see cref="EnrichmentSession"/>).
/// One failing enricher never loses the record: the exception is caught,
/// counted and reported, and the remaining enrichers still run (Serilog's safe aggregate enricher).</summary>
internal sealed class EnricherSequence
{
    private readonly ILogEnricher[] _enrichers;
    private readonly EnrichmentStatistics _statistics;

    public EnricherSequence(IEnumerable<ILogEnricher> enrichers, EnrichmentStatistics statistics)
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
