using Enrichers.Geo;
using Enrichers.Rules;
using Enrichers.Tracing;

namespace Enrichers;

/// <summary>The configured enrichment chain: normalization (before the record's time is settled, so that the
/// shapes' own time fields count), then trace linking, GeoIP, error categories, and PII masking (last, so nothing an
/// earlier step added escapes it). Built once and shared; thread-safe. Per-partition
/// state (trace linking) lives in the sessions it creates.</summary>
public sealed class EnrichmentChain : IDisposable
{
    private readonly TimeProvider _time;
    private readonly GeoIpEnricher _geoIp;
    private readonly RuleSets _rules;
    private readonly TraceBudget _traceBudget;

    private EnrichmentChain(EnrichmentOptions options, TimeProvider time)
    {
        Options = options;
        _time = time;
        _traceBudget = new TraceBudget(options.Trace.MaxTraces);
        _geoIp = GeoIpEnricher.Open(options.GeoIp, Statistics, time);
        try
        {
            _rules = RuleSets.Open(options, Statistics, time);
        }
        catch
        {
            _geoIp.Dispose();
            throw;
        }
    }

    public EnrichmentOptions Options { get; }

    public EnrichmentStatistics Statistics { get; } = new();

    /// <summary>The GeoIP enricher, shared by every session: its loaded databases, reload events and counts are
    /// what the worker's diagnostics report.</summary>
    public GeoIpEnricher GeoIp => _geoIp;

    /// <summary>The rule-driven enrichers (masking, error categories, normalization), shared by every session: their
    /// rules files, reload events and counts are what the worker's diagnostics report.</summary>
    public RuleSets Rules => _rules;

    /// <summary>Validates <paramref name="options"/> and builds the chain (opening GeoIP databases, reading rules
    /// files).</summary>
    /// <exception cref="EnrichmentConfigurationException">A bad option, a missing or corrupt database, or a missing
    /// or refused rules file; the message names the key or path.</exception>
    public static EnrichmentChain Create(EnrichmentOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new EnrichmentConfigurationException(string.Join(" ", errors));
        }

        return new EnrichmentChain(options, time ?? TimeProvider.System);
    }

    /// <summary>A session for one stream of records (one Kafka partition, or one stdin): it owns the trace
    /// linking state of that stream. Not thread-safe.</summary>
    public EnrichmentSession CreateSession()
    {
        var enrichers = new EnricherSequence(
            [new TraceLinkingEnricher(Options.Trace, Statistics, _time, _traceBudget), _geoIp, _rules.ErrorCategories, _rules.Masking],
            Statistics);
        var normalization = new EnricherSequence(_rules.Normalization is null ? [] : [_rules.Normalization], Statistics);
        return new EnrichmentSession(normalization, enrichers, Options, Statistics, _time, splitBatches: _rules.Normalization is not null);
    }

    public void Dispose()
    {
        _rules.Dispose();
        _geoIp.Dispose();
    }
}
