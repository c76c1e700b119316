using System.Buffers;
using BenchmarkDotNet.Attributes;
using Enrichers.Json;
using Enrichers.Masking;
using Enrichers;
using LogPipeline.Demo.Generator;

namespace LogPipeline.Bench;

/// <summary>Cost of PII masking per record, against a bare parse-and-write of the same records (baseline).
/// Records come from <see cref="SmmLogGenerator"/> (seed 42, no poison lines, ~490 bytes on average).
/// <c>mixed</c> is the generator's mix, where about 60% of records carry PII or credentials (several values
/// each); <c>clean</c> is the subset with nothing to mask, which is what most production records look like
/// and what the prefilter is for. Every number is per record (OperationsPerInvoke).</summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private const int RecordsPerInvoke = 1000;

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private ReadOnlyMemory<byte>[] _records = [];
    private PiiMaskingEnricher _markers = null!;
    private PiiMaskingEnricher _hmac = null!;

    [Params("mixed", "clean")]
    public string Records { get; set; } = "mixed";

    [GlobalSetup]
    public void Setup()
    {
        _markers = new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics());
        _hmac = new PiiMaskingEnricher(new MaskingOptions { HmacKey = "benchmark-hmac-key-0123456789" }, new EnrichmentStatistics());
        var all = new SmmLogGenerator(new SmmLogGeneratorOptions { PoisonRate = 0 })
            .Generate(RecordsPerInvoke)
            .Select(line => (ReadOnlyMemory<byte>)line.Utf8)
            .ToArray();
        _records = Records == "clean" ? all.Where(IsClean).ToArray() : all;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerInvoke)]
    public long ParseAndWrite() => Run(null);

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public long ParseMaskAndWrite() => Run(_markers);

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public long ParseMaskWithHmacAndWrite() => Run(_hmac);

    // Always the same number of records per invocation (cycling through the set), so OperationsPerInvoke holds.
    private long Run(PiiMaskingEnricher? masking)
    {
        long bytes = 0;
        for (var i = 0; i < RecordsPerInvoke; i++)
        {
            var record = LogRecordParser.TryParse(_records[i % _records.Length], out _)!;
            masking?.Enrich(record);
            _output.ResetWrittenCount();
            record.WriteTo(_output);
            bytes += _output.WrittenCount;
        }

        return bytes;
    }

    private bool IsClean(ReadOnlyMemory<byte> raw)
    {
        var record = LogRecordParser.TryParse(raw, out _)!;
        _markers.Enrich(record);
        return record.ToUtf8Bytes().AsSpan().SequenceEqual(raw.Span);
    }
}
