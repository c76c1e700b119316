using Enrichers.Geo;
using LogPipeline.Diagnostics;
using MaxMind.Db;

namespace LogPipeline.Hosting;

/// <summary>Sets <c>logpipeline_geoip_database_age_seconds</c> at scrape time from the build date in each configured
/// database's metadata. The metadata is read again only when the file changes (geoipupdate replaces it by
/// rename), so a scrape costs a stat per database.</summary>
internal sealed class GeoIpDatabaseAgeGauge
{
    private readonly PipelineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly (string Label, string Path)[] _databases;
    private readonly Dictionary<string, (DateTime Written, DateTimeOffset Built)> _known = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public GeoIpDatabaseAgeGauge(GeoIpOptions options, PipelineMetrics metrics, TimeProvider time)
    {
        _metrics = metrics;
        _time = time;
        _databases = new (string, string?)[] { ("city", options.CityDatabasePath), ("asn", options.AsnDatabasePath) }
            .Where(d => !string.IsNullOrEmpty(d.Item2))
            .Select(d => (d.Item1, d.Item2!))
            .ToArray();
        if (_databases.Length > 0)
        {
            metrics.Registry.AddBeforeCollectCallback(Update);
        }
    }

    public void Update()
    {
        lock (_lock)
        {
            foreach (var (label, path) in _databases)
            {
                if (BuildDate(path) is { } built)
                {
                    _metrics.GeoIpDatabaseAge.WithLabels(label).Set(Math.Max(0, (_time.GetUtcNow() - built).TotalSeconds));
                }
            }
        }
    }

    private DateTimeOffset? BuildDate(string path)
    {
        try
        {
            var written = File.GetLastWriteTimeUtc(path);
            if (_known.TryGetValue(path, out var known) && known.Written == written)
            {
                return known.Built;
            }

            using var reader = new Reader(path, FileAccessMode.Memory);
            var built = new DateTimeOffset(DateTime.SpecifyKind(reader.Metadata.BuildDate, DateTimeKind.Utc));
            _known[path] = (written, built);
            return built;
        }
        catch (Exception e) when (e is IOException or InvalidDatabaseException or UnauthorizedAccessException)
        {
            // Being replaced right now, or broken: the enricher reports that; the gauge keeps its last value.
            return _known.TryGetValue(path, out var last) ? last.Built : null;
        }
    }
}
