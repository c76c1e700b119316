using Enrichers.Errors;
using Enrichers.Geo;
using Enrichers.Masking;
using Enrichers.Normalization;
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
    private readonly ErrorCategoryEnricher _errorCategories;
    private readonly PiiMaskingEnricher _masking;
    private readonly NormalizationEnricher? _normalization;
    private readonly TraceBudget _traceBudget;

    private EnrichmentChain(EnrichmentOptions options, TimeProvider time)
    {
        Options = options;
        _time = time;
        _traceBudget = new TraceBudget(options.Trace.MaxTraces);
        _geoIp = GeoIpEnricher.Open(options.GeoIp, Statistics, time);
        try
        {
            _errorCategories = new ErrorCategoryEnricher(options.ErrorCategories, Statistics);
            _masking = new PiiMaskingEnricher(options.Masking, Statistics);
            _normalization = options.Normalization.Enabled ? new NormalizationEnricher(options.Normalization, Statistics) : null;
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

    /// <summary>Validates <paramref name="options"/> and builds the chain (opening GeoIP databases).</summary>
    /// <exception cref="EnrichmentConfigurationException">A bad option, or a missing or corrupt database;
    /// the message names the key or path.</exception>
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
            [new TraceLinkingEnricher(Options.Trace, Statistics, _time, _traceBudget), _geoIp, _errorCategories, _masking],
            Statistics);
        var normalization = new EnricherSequence(_normalization is null ? [] : [_normalization], Statistics);
        return new EnrichmentSession(normalization, enrichers, Options, Statistics, _time);
    }

    public void Dispose() => _geoIp.Dispose();
}
