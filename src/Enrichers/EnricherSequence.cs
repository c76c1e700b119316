using Enrichers.Json;

namespace Enrichers;

/// <summary>The ordered enrichers of one session (or one stage of it), run one after another on a record; not the
/// configured chain (<see cref="EnrichmentChain"/>) nor the per-stream state (<see cref="EnrichmentSession"/>).
/// One failing enricher never loses the record: the exception is caught,
/// counted and reported, and the remaining enrichers still run (Serilog's safe aggregate enricher).</summary>
internal sealed class EnricherSequence
{
    private readonly ILogEnricher[] _enrichers;

    // Each enricher's Enrich, bound once: one call site runs every enricher of the chain, and an interface call
    // there went through the runtime's polymorphic dispatch stub (a lookup per call); a bound delegate calls the
    // implementation straight away.
    private readonly Action<LogRecord>[] _enrich;
    private readonly EnrichmentStatistics _statistics;

    public EnricherSequence(IEnumerable<ILogEnricher> enrichers, EnrichmentStatistics statistics)
    {
        _enrichers = enrichers.ToArray();
        _enrich = _enrichers.Select(e => (Action<LogRecord>)e.Enrich).ToArray();
        _statistics = statistics;
    }

    public IReadOnlyList<ILogEnricher> Enrichers => _enrichers;

    public void Enrich(LogRecord record)
    {
        var enrich = _enrich;
        for (var i = 0; i < enrich.Length; i++)
        {
            try
            {
                enrich[i](record);
            }
            catch (Exception ex)
            {
                _statistics.ReportFailure(_enrichers[i].Name, ex);
            }
        }
    }
}
