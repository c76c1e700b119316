using LogPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Tests.Diagnostics;

public sealed class GeoIpReloadLogTests : IDisposable
{
    private readonly GeoIpTestDatabase _database = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly PipelineMetrics _metrics = new();
    private readonly ListLogger _logger = new();

    public GeoIpReloadLogTests() => _ = new GeoIpReloadLog(_database.Enricher, _metrics, _logger);

    [Fact]
    public void A_refused_replacement_is_logged_as_a_warning_naming_the_path_and_counted()
    {
        _database.Replace("not a database"u8.ToArray(), 1);

        var (level, message) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(_database.Path, message);
        Assert.Contains("still using the database built 2026-11-01", message);
        Assert.Equal(1, _metrics.GeoIpDatabaseReloads.WithLabels("city", GeoIpReloadLog.Refused).Value);
        Assert.Equal(0, _metrics.GeoIpDatabaseReloads.WithLabels("city", GeoIpReloadLog.Reloaded).Value);
    }

    [Fact]
    public void Each_reload_is_logged_and_counted()
    {
        _database.Replace(GeoIpTestDatabase.City(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)), 1);
        _database.Replace(GeoIpTestDatabase.City(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero)), 2);

        Assert.Equal(2, _logger.Entries.Count);
        Assert.All(_logger.Entries, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Contains("reloaded", _logger.Entries[1].Message);
        Assert.Equal(2, _metrics.GeoIpDatabaseReloads.WithLabels("city", GeoIpReloadLog.Reloaded).Value);
    }

    public void Dispose() => _database.Dispose();
}
