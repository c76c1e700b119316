using LogPipeline.Diagnostics;

namespace LogPipeline.Tests.Diagnostics;

public sealed class GeoIpDatabaseAgeGaugeTests : IDisposable
{
    private readonly GeoIpTestDatabase _database = new(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
    private readonly PipelineMetrics _metrics = new();
    private readonly GeoIpDatabaseAgeGauge _gauge;

    public GeoIpDatabaseAgeGaugeTests() => _gauge = new GeoIpDatabaseAgeGauge(_database.Enricher, _metrics, _database.Time);

    [Fact]
    public void The_age_is_that_of_the_loaded_database()
    {
        _gauge.Update();

        Assert.Equal(TimeSpan.FromDays(1).TotalSeconds,
            _metrics.GeoIpDatabaseAge.WithLabels("city").Value);
    }

    [Fact]
    public void After_a_refused_replacement_the_age_stays_that_of_the_database_in_use()
    {
        // A newer build at the path that fails to load must not make the gauge look fresh.
        var newer = GeoIpTestDatabase.City(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        newer[^20] ^= 0xFF;
        _database.Replace(newer[..(newer.Length / 2)], 1);

        _gauge.Update();

        Assert.Equal(1, _database.Enricher.ReloadFailures);
        Assert.Equal(TimeSpan.FromDays(1).TotalSeconds + GeoIpTestDatabase.ReloadInterval.TotalSeconds,
            _metrics.GeoIpDatabaseAge.WithLabels("city").Value);
    }

    [Fact]
    public void After_a_reload_the_age_is_that_of_the_new_database()
    {
        _database.Replace(GeoIpTestDatabase.City(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)), 1);

        _gauge.Update();

        Assert.Equal(GeoIpTestDatabase.ReloadInterval.TotalSeconds, _metrics.GeoIpDatabaseAge.WithLabels("city").Value);
    }

    public void Dispose() => _database.Dispose();
}
