using LogPipeline.Demo.Geo;

namespace LogPipeline.Demo.Tests.Geo;

public sealed class MmdbLookupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lp-mmdblookup-").FullName;

    [MmdbLookupFact]
    public void Libmaxminddb_reads_the_writers_databases_with_every_record_size()
    {
        foreach (var size in new[] { 24, 28, 32 })
        {
            var writer = DemoGeoDatabases.CreateCityWriter();
            writer.RecordSize = size;
            var path = Path.Combine(_directory, $"city{size}.mmdb");
            File.WriteAllBytes(path, writer.ToArray());

            Assert.Contains("\"London\" <utf8_string>", MmdbLookup.Run("--file", path, "--ip", "81.2.69.160", "city", "names", "en"));
            Assert.Contains("50.110900 <double>", MmdbLookup.Run("--file", path, "--ip", "2a00:1450:4001:80b::200e", "location", "latitude"));
            Assert.Contains($"Record size:   {size} bits", MmdbLookup.Run("--file", path, "--verbose", "--ip", "1.1.1.1"));
            Assert.Contains("Could not find an entry", MmdbLookup.Run("--file", path, "--ip", "1.1.1.1"));
        }
    }

    [MmdbLookupFact]
    public void Libmaxminddb_reads_asn_numbers_as_uint32()
    {
        var path = Path.Combine(_directory, "asn.mmdb");
        File.WriteAllBytes(path, DemoGeoDatabases.CreateAsnWriter().ToArray());

        Assert.Contains("64500 <uint32>", MmdbLookup.Run("--file", path, "--ip", "81.2.69.160", "autonomous_system_number"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
