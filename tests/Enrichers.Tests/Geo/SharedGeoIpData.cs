namespace Enrichers.Tests.Geo;

/// <summary>MaxMind's public test databases in <c>../shared/geoip</c> beside the checkout, found by
/// searching upward from the test binaries. They are not copied into the repository.</summary>
public static class SharedGeoIpData
{
    private static readonly Lazy<string?> Found = new(Locate);

    /// <summary>The folder, or null when it is not on this machine.</summary>
    public static string? Directory => Found.Value;

    public static string PathOf(string file) =>
        Path.Combine(Directory ?? throw new InvalidOperationException("shared/geoip is not present"), file);

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "geoip");
            if (File.Exists(Path.Combine(candidate, "GeoIP2-City-Test.mmdb")))
            {
                return candidate;
            }
        }

        return null;
    }
}
