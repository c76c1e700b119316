using Enrichers.Geo;
using Enrichers;
using LogPipeline.Demo.Geo;
using LogPipeline.Testing.Time;

namespace LogPipeline.Tests.Diagnostics;

/// <summary>A City database in a temporary folder and an enricher on it with a fake clock, for the GeoIP
/// diagnostics tests; replacements go in as geoipupdate puts them (write, then rename).</summary>
internal sealed class GeoIpTestDatabase : IDisposable
{
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lp-geoip-diag", Guid.NewGuid().ToString("N"));

    public GeoIpTestDatabase(DateTimeOffset buildTime)
    {
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "city.mmdb");
        File.WriteAllBytes(Path, City(buildTime));
        Enricher = GeoIpEnricher.Create(new GeoIpOptions { CityDatabasePath = Path, ReloadCheckInterval = ReloadInterval },
            new EnrichmentStatistics(), Time);
    }

    /// <summary>Lock-step: the database's directory is watched too, and a watcher event must not run the poll that
    /// <see cref="Replace"/> makes due on its own thread while the test goes on.</summary>
    public LockStepTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));

    public string Path { get; }

    public GeoIpEnricher Enricher { get; }

    public static byte[] City(DateTimeOffset buildTime)
    {
        var writer = new MaxMindDatabaseWriter("GeoIP2-City") { BuildTime = buildTime };
        writer.Insert("81.2.69.0/24", DemoGeoDatabases.CityRecord("GB", "United Kingdom", "EU", "London", "ENG", 51.5142, -0.0931, "Europe/London"));
        return writer.ToArray();
    }

    /// <summary>Puts <paramref name="content"/> at the path and lets the reload check run.</summary>
    public void Replace(byte[] content, int generation)
    {
        var temporary = Path + ".tmp";
        File.WriteAllBytes(temporary, content);
        File.SetLastWriteTimeUtc(temporary, DateTime.UtcNow.AddMinutes(generation));
        File.Move(temporary, Path, overwrite: true);
        Time.Advance(ReloadInterval);
    }

    public void Dispose()
    {
        Enricher.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
