using Enrichers.Geo;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Diagnostics;

/// <summary>Makes GeoIP database replacements visible: each reload is logged and each refused replacement
/// (corrupt, wrong type, unreadable, vanished) is logged as a warning, and both are counted in
/// <c>logpipeline_geoip_database_reloads_total{database, result}</c>. Without it a refused replacement left the
/// worker on an ageing database with nothing said.</summary>
internal sealed class GeoIpReloadLog
{
    public const string Reloaded = "reloaded";
    public const string Refused = "refused";

    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;

    public GeoIpReloadLog(GeoIpEnricher enricher, PipelineMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _logger = logger;
        enricher.DatabaseChanged += OnDatabaseChanged;
    }

    private void OnDatabaseChanged(GeoDatabaseEvent e)
    {
        // Runs on the enricher's timer thread; the message names the path and never record data.
        try
        {
            _metrics.GeoIpDatabaseReloads.WithLabels(e.Kind, e.Succeeded ? Reloaded : Refused).Inc();
            if (e.Succeeded)
            {
                _logger.LogInformation("{Message}", e.Message);
            }
            else
            {
                _logger.LogWarning("{Message} Counted in logpipeline_geoip_database_reloads_total{{result=\"refused\"}}", e.Message);
            }
        }
        catch (Exception)
        {
            // Diagnostics must never stop the enricher's reload timer.
        }
    }
}
