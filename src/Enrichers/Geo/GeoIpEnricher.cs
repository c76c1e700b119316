using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>GeoIP lookup and address anonymization (placeholder: the geoip helper replaces this file).</summary>
public sealed class GeoIpEnricher : ILogEnricher, IDisposable
{
    private GeoIpEnricher()
    {
    }

    public string Name => "geoip";

    public static GeoIpEnricher Create(GeoIpOptions options, EnrichmentStatistics statistics, TimeProvider time)
    {
        _ = (options, statistics, time);
        return new GeoIpEnricher();
    }

    public void Enrich(LogRecord record)
    {
        _ = record;
    }

    public void Dispose()
    {
    }
}
