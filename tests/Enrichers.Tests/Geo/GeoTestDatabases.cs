using Enrichers.Geo;
using LogPipeline.Demo.Geo;

namespace Enrichers.Tests.Geo;

/// <summary>City and ASN databases written by the tests with <see cref="MaxMindDatabaseWriter"/> into a
/// temporary folder that is deleted on dispose.</summary>
public sealed class GeoTestDatabases : IDisposable
{
    public GeoTestDatabases()
    {
        Directory = Path.Combine(Path.GetTempPath(), "lp-geoip-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        CityPath = Path.Combine(Directory, "city.mmdb");
        AsnPath = Path.Combine(Directory, "asn.mmdb");
        File.WriteAllBytes(CityPath, City("London").ToArray());
        File.WriteAllBytes(AsnPath, Asn().ToArray());
    }

    public string Directory { get; }

    public string CityPath { get; }

    public string AsnPath { get; }

    /// <summary>A City database; <paramref name="londonName"/> lets a replacement differ visibly.</summary>
    internal static MaxMindDatabaseWriter City(string londonName, DateTimeOffset? buildTime = null)
    {
        var writer = new MaxMindDatabaseWriter("GeoIP2-City") { BuildTime = buildTime ?? new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero) };
        writer.Description["en"] = "LogPipeline test data, not real geolocation";
        writer.Insert("81.2.69.0/24", DemoGeoDatabases.CityRecord("GB", "United Kingdom", "EU", londonName, "ENG", 51.5142, -0.0931, "Europe/London"));
        writer.Insert("216.160.83.56/29", DemoGeoDatabases.CityRecord("US", "United States", "NA", "Milton", "WA", 47.2513, -122.3149, "America/Los_Angeles"));
        writer.Insert("2001:218::/32", DemoGeoDatabases.CityRecord("JP", "Japan", "AS", null, null, 35.68536, 139.75309, "Asia/Tokyo"));
        return writer;
    }

    internal static MaxMindDatabaseWriter Asn()
    {
        var writer = new MaxMindDatabaseWriter("GeoLite2-ASN") { BuildTime = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero) };
        writer.Insert("81.2.69.0/24", DemoGeoDatabases.AsnRecord(20712, "Andrews & Arnold Ltd"));
        writer.Insert("2001:218::/32", DemoGeoDatabases.AsnRecord(2914, "NTT America"));
        writer.Insert("89.160.20.0/24", DemoGeoDatabases.AsnRecord(29518, "Bredband2 AB"));
        return writer;
    }

    /// <summary>Replaces <paramref name="path"/> the way geoipupdate does: write a temporary file, then
    /// rename it over the old one.</summary>
    public static void ReplaceAtomically(string path, byte[] content, DateTime lastWriteUtc)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(temporary, content);
        File.SetLastWriteTimeUtc(temporary, lastWriteUtc);
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A still-mapped file on some systems; the temp folder is cleaned by the OS.
        }
    }
}
