using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Enrichers.Geo;
using Enrichers.Json;
using Enrichers;
using LogPipeline.Demo.Geo;

namespace LogPipeline.Bench;

/// <summary>GeoIP enrichment per record: parse, enrich, write. The baseline parses and writes without the
/// enricher, so the ratios show what GeoIP adds. "Cached" cycles 64 distinct addresses (the cache serves
/// them); "Uncached" runs with the cache off, so every record does City and ASN lookups on the
/// memory-mapped demo databases; "NoDatabase" is anonymization only.</summary>
[MemoryDiagnoser]
public class GeoIpBenchmarks
{
    private const int Records = 1000;
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private byte[][] _lines = [];
    private string _directory = "";
    private GeoIpEnricher _cached = null!;
    private GeoIpEnricher _uncached = null!;
    private GeoIpEnricher _noDatabase = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "lp-geoip-bench-" + Environment.ProcessId);
        var city = Path.Combine(_directory, "city.mmdb");
        var asn = Path.Combine(_directory, "asn.mmdb");
        DemoGeoDatabases.Write(city, asn);

        // A deterministic mix: mostly addresses in the databases, some private, some unknown public ones.
        var addresses = DemoGeoDatabases.SampleAddresses
            .Concat(["10.0.3.17", "192.168.1.20", "::1", "8.8.8.8", "9.9.9.9"])
            .ToList();
        for (var i = 0; addresses.Count < 64; i++)
        {
            addresses.Add($"81.2.69.{i + 1}");
        }

        _lines = Enumerable.Range(0, Records).Select(i => Encoding.UTF8.GetBytes(
            $"{{\"@timestamp\":\"2026-11-26T10:00:{i % 60:00}.123Z\",\"level\":\"info\",\"service_name\":\"mcp-gateway\","
            + $"\"message\":\"tool call completed\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e{i:x4}\","
            + $"\"client_ip\":\"{addresses[i % addresses.Count]}\",\"http\":{{\"method\":\"POST\",\"status_code\":200}},"
            + $"\"duration_ms\":{i % 500},\"workspace_id\":\"ws-{i % 17}\"}}")).ToArray();

        var statistics = new EnrichmentStatistics();
        _cached = GeoIpEnricher.Create(new GeoIpOptions { CityDatabasePath = city, AsnDatabasePath = asn }, statistics, TimeProvider.System);
        _uncached = GeoIpEnricher.Create(new GeoIpOptions { CityDatabasePath = city, AsnDatabasePath = asn, CacheSize = 0 }, statistics, TimeProvider.System);
        _noDatabase = GeoIpEnricher.Create(new GeoIpOptions(), statistics, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cached.Dispose();
        _uncached.Dispose();
        _noDatabase.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public long ParseAndWrite() => Run(null);

    [Benchmark(OperationsPerInvoke = Records)]
    public long Cached() => Run(_cached);

    [Benchmark(OperationsPerInvoke = Records)]
    public long Uncached() => Run(_uncached);

    [Benchmark(OperationsPerInvoke = Records)]
    public long NoDatabase() => Run(_noDatabase);

    private long Run(GeoIpEnricher? enricher)
    {
        long bytes = 0;
        foreach (var line in _lines)
        {
            var record = LogRecordParser.TryParse(line, out _)!;
            enricher?.Enrich(record);
            _output.ResetWrittenCount();
            record.WriteTo(_output);
            bytes += _output.WrittenCount;
        }

        return bytes;
    }
}
