
namespace LogPipeline.Demo.Geo;

/// <summary>The demo's own GeoIP City and ASN databases: demo data (their metadata says so, and so does the demo's
/// output), written to a temporary directory by <see cref="DemoGeoDatabases"/> and deleted after the run.</summary>
public sealed class DemoGeoIpDatabase : IDisposable
{
    private readonly string _directory;

    private DemoGeoIpDatabase(string directory)
    {
        _directory = directory;
        CityPath = Path.Combine(directory, "demo-city.mmdb");
        AsnPath = Path.Combine(directory, "demo-asn.mmdb");
        DemoGeoDatabases.Write(CityPath, AsnPath);
    }

    public string CityPath { get; }

    public string AsnPath { get; }

    public static int Networks => DemoGeoDatabases.SampleAddresses.Count;

    public static DemoGeoIpDatabase Create() =>
        new(Directory.CreateTempSubdirectory("logpipeline-demo-geoip-").FullName);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory; the OS cleans it up.
        }
    }
}
