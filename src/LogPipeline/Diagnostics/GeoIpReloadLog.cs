using Enrichers.Geo;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Diagnostics;

/// <summary>Makes GeoIP database replacements visible (<see cref="ReloadReport"/>): counted in
/// <c>logpipeline_geoip_database_reloads_total{database, result}</c>.</summary>
internal sealed class GeoIpReloadLog
{
    public const string Reloaded = ReloadReport.Reloaded;
    public const string Refused = ReloadReport.Refused;

    public GeoIpReloadLog(GeoIpEnricher enricher, PipelineMetrics metrics, ILogger logger) =>
        enricher.DatabaseChanged += e =>
            ReloadReport.Report(metrics.GeoIpDatabaseReloads, "geoip_database_reloads_total", logger, e.Kind, e.Succeeded, e.Message);
}
