namespace LogPipeline.Demo;

/// <summary>The demo's own GeoIP City database, clearly demo data, written to a temporary file and deleted after
/// the run.</summary>
internal sealed class DemoGeoIpDatabase : IDisposable
{
    private DemoGeoIpDatabase(string path, int networks)
    {
        Path = path;
        Networks = networks;
    }

    public string Path { get; }

    public int Networks { get; }

    /// <summary>Null while no database writer is available in this build: the demo then runs without GeoIP.</summary>
    public static DemoGeoIpDatabase? Create() => null;

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // A temporary file; the OS cleans it up.
        }
    }
}
