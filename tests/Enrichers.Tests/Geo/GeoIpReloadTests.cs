using System.Text;
using Enrichers.Geo;
using Enrichers.Json;
using LogPipeline.Testing.Time;

namespace Enrichers.Tests.Geo;

public sealed class GeoIpReloadTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly GeoTestDatabases _databases = new();
    // Lock-step: the files' directory is watched too, and a watcher event must not run the poll Advance makes due.
    private readonly LockStepTimeProvider _time = new();
    private readonly List<GeoDatabaseEvent> _events = [];
    private readonly GeoIpEnricher _enricher;

    public GeoIpReloadTests()
    {
        _enricher = GeoIpEnricher.Create(
            new GeoIpOptions { CityDatabasePath = _databases.CityPath, AsnDatabasePath = _databases.AsnPath, ReloadCheckInterval = Interval },
            new EnrichmentStatistics(), _time);
        _enricher.DatabaseChanged += e => _events.Add(e);
    }

    [Fact]
    public void A_database_replaced_by_atomic_rename_is_used_after_the_next_check()
    {
        Assert.Equal("London", CityOf("81.2.69.160"));

        GeoTestDatabases.ReplaceAtomically(_databases.CityPath,
            GeoTestDatabases.City("Londinium", new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)).ToArray(), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("London", CityOf("81.2.69.160"));

        _time.Advance(Interval);

        Assert.Equal("Londinium", CityOf("81.2.69.160"));
        Assert.Equal(1, _enricher.Reloads);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), _enricher.DatabaseBuildTimes["city"]);
        var reloaded = Assert.Single(_events);
        Assert.True(reloaded.Succeeded);
        Assert.Equal("city", reloaded.Kind);
        Assert.Contains(_databases.CityPath, reloaded.Message);
    }

    [Fact]
    public void The_configured_record_cache_size_holds_for_the_databases_opened_at_start_and_on_reload()
    {
        using var enricher = GeoIpEnricher.Create(
            new GeoIpOptions { CityDatabasePath = _databases.CityPath, AsnDatabasePath = _databases.AsnPath, RecordCacheSize = 100, ReloadCheckInterval = Interval },
            new EnrichmentStatistics(), _time);
        Assert.Equal(2, CountOf(enricher.ToString(), "keeps up to 64 decoded records"));

        GeoTestDatabases.ReplaceAtomically(_databases.CityPath,
            GeoTestDatabases.City("Londinium", new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)).ToArray(), DateTime.UtcNow.AddMinutes(1));
        _time.Advance(Interval);

        Assert.Equal(1, enricher.Reloads);
        Assert.Equal(2, CountOf(enricher.ToString(), "keeps up to 64 decoded records"));
        Assert.Contains($"city '{_databases.CityPath}'", enricher.ToString());

        static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
    }

    [Fact]
    public void A_database_behind_a_swapped_symbolic_link_is_reloaded_as_in_a_Kubernetes_volume()
    {
        // Kubernetes Secret/ConfigMap volumes: file -> ..data/file, and ..data is re-pointed atomically.
        var volume = Path.Combine(_databases.Directory, "volume");
        Directory.CreateDirectory(Path.Combine(volume, "v1"));
        Directory.CreateDirectory(Path.Combine(volume, "v2"));
        File.WriteAllBytes(Path.Combine(volume, "v1", "city.mmdb"), GeoTestDatabases.City("London").ToArray());
        File.WriteAllBytes(Path.Combine(volume, "v2", "city.mmdb"), GeoTestDatabases.City("Londinium").ToArray());
        var data = Path.Combine(volume, "..data");
        Directory.CreateSymbolicLink(data, "v1");
        var path = Path.Combine(volume, "city.mmdb");
        File.CreateSymbolicLink(path, Path.Combine("..data", "city.mmdb"));
        using var enricher = GeoIpEnricher.Create(
            new GeoIpOptions { CityDatabasePath = path, ReloadCheckInterval = Interval }, new EnrichmentStatistics(), _time);

        // Kubernetes renames a new link over ..data; re-creating it is the same for the reader.
        Directory.Delete(data);
        Directory.CreateSymbolicLink(data, "v2");
        _time.Advance(Interval);

        var record = Parse("{\"ip\":\"81.2.69.160\"}");
        enricher.Enrich(record);
        Assert.Equal("Londinium", record.FindString("client.geo.city_name"));
    }

    [Fact]
    public void Reloading_one_database_keeps_the_other_working()
    {
        GeoTestDatabases.ReplaceAtomically(_databases.CityPath, GeoTestDatabases.City("Londinium").ToArray(), DateTime.UtcNow.AddMinutes(1));

        _time.Advance(Interval);

        var output = EnrichIp("81.2.69.160");
        Assert.Contains("Londinium", output);
        Assert.Contains("\"number\":20712", output);
    }

    [Fact]
    public void A_corrupt_replacement_is_refused_reported_once_and_the_old_database_stays()
    {
        var good = GeoTestDatabases.City("Londinium").ToArray();
        var corrupt = good[..(good.Length / 2)];
        GeoTestDatabases.ReplaceAtomically(_databases.CityPath, corrupt, DateTime.UtcNow.AddMinutes(1));

        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Equal("London", CityOf("81.2.69.160"));
        Assert.Equal(1, _enricher.ReloadFailures);
        Assert.Equal(0, _enricher.Reloads);
        var refused = Assert.Single(_events);
        Assert.False(refused.Succeeded);
        Assert.Contains(_databases.CityPath, refused.Message);

        GeoTestDatabases.ReplaceAtomically(_databases.CityPath, good, DateTime.UtcNow.AddMinutes(2));
        _time.Advance(Interval);

        Assert.Equal("Londinium", CityOf("81.2.69.160"));
    }

    [Fact]
    public void A_replacement_of_the_wrong_type_is_refused()
    {
        GeoTestDatabases.ReplaceAtomically(_databases.CityPath, GeoTestDatabases.Asn().ToArray(), DateTime.UtcNow.AddMinutes(1));

        _time.Advance(Interval);

        Assert.Equal("London", CityOf("81.2.69.160"));
        Assert.Contains("GeoLite2-ASN", Assert.Single(_events).Message);
    }

    [Fact]
    public void A_deleted_database_file_keeps_the_loaded_one_in_use()
    {
        File.Delete(_databases.CityPath);

        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Equal("London", CityOf("81.2.69.160"));
        Assert.Equal(1, _enricher.ReloadFailures);
    }

    [Fact]
    public void Nothing_is_reloaded_while_the_files_are_unchanged()
    {
        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Equal(0, _enricher.Reloads);
        Assert.Empty(_events);
    }

    [Fact]
    public void A_reload_empties_the_cache()
    {
        EnrichIp("81.2.69.160");
        EnrichIp("2001:218::1");
        Assert.Equal(2, _enricher.CachedLookups);

        GeoTestDatabases.ReplaceAtomically(_databases.CityPath, GeoTestDatabases.City("Londinium").ToArray(), DateTime.UtcNow.AddMinutes(1));
        _time.Advance(Interval);

        Assert.Equal(0, _enricher.CachedLookups);
    }

    [Fact]
    public async Task Lookups_running_during_reloads_never_fail()
    {
        var statistics = new EnrichmentStatistics();
        using var enricher = GeoIpEnricher.Create(
            new GeoIpOptions { CityDatabasePath = _databases.CityPath, CacheSize = 0, ReloadCheckInterval = TimeSpan.Zero },
            statistics, _time);
        using var stop = new CancellationTokenSource();
        var cities = new System.Collections.Concurrent.ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var n = 0; n < 200 || !stop.IsCancellationRequested; n++)
            {
                var record = Parse("{\"ip\":\"81.2.69.160\"}");
                enricher.Enrich(record);
                cities.Add(record.FindString("client.geo.city_name") ?? "none");
            }
        })).ToArray();

        for (var i = 0; i < 20; i++)
        {
            GeoTestDatabases.ReplaceAtomically(_databases.CityPath, GeoTestDatabases.City(i % 2 == 0 ? "Londinium" : "London").ToArray(),
                DateTime.UtcNow.AddMinutes(i + 1));
            enricher.CheckForUpdates();
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(20, enricher.Reloads);
        Assert.Equal(0, statistics.GeoIp["error"] + statistics.GeoIp["lookup_error"] + statistics.GeoIp["miss"]);
        Assert.True(cities.Count >= 400);
        Assert.DoesNotContain("none", cities);
    }

    public void Dispose()
    {
        _enricher.Dispose();
        _databases.Dispose();
    }

    private string? CityOf(string ip) => Parse(EnrichIp(ip)).FindString("client.geo.city_name");

    private string EnrichIp(string ip)
    {
        var record = Parse($"{{\"ip\":\"{ip}\"}}");
        _enricher.Enrich(record);
        return record.ToString();
    }

    private static LogRecord Parse(string json) => LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
}
