using Enrichers.Geo;

namespace LogPipeline.Diagnostics;

/// <summary>Sets <c>logpipeline_geoip_database_age_seconds</c> at scrape time from the build time of each
/// database the enricher has loaded (<see cref="GeoIpEnricher.DatabaseBuildTimes"/>): the age of what is in use,
/// which after a refused replacement is not the file at the path, and no file is read to know it.</summary>
internal sealed class GeoIpDatabaseAgeGauge
{
    private readonly GeoIpEnricher _enricher;
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;

    public GeoIpDatabaseAgeGauge(GeoIpEnricher enricher, PipelineMetrics metrics, TimeProvider time)
    {
        _enricher = enricher;
        _metrics = metrics;
        _time = time;
        if (enricher.DatabaseBuildTimes.Count > 0)
        {
            metrics.Registry.AddBeforeCollectCallback(Update);
        }
    }

    public void Update()
    {
        var now = _time.GetUtcNow();
        foreach (var (database, built) in _enricher.DatabaseBuildTimes)
        {
            _metrics.GeoIpDatabaseAge.WithLabels(database).Set(Math.Max(0, (now - built).TotalSeconds));
        }
    }
}
