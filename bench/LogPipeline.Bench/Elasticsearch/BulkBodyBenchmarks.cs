using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Bench.Elasticsearch;

/// <summary>Building one 5,000-document <c>_bulk</c> body. Baseline: what a typed client does per document
/// (serialize an action object, parse and re-write the document); ours copies the pre-serialized document
/// bytes behind a cached action prefix.</summary>
[MemoryDiagnoser]
public class BulkBodyBenchmarks
{
    private List<PipelineRecord> _records = [];
    private BulkBodyWriter _writer = new("create");

    [Params(5000)]
    public int Documents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = SomeLogRecords.Many(Documents);
        _writer = new BulkBodyWriter("create");
    }

    [Benchmark(Baseline = true)]
    public long PerDocumentSerialization()
    {
        var buffer = new ArrayBufferWriter<byte>(Documents * 400);
        foreach (var record in _records)
        {
            using (var action = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(action, new BulkAction(new BulkActionMeta(BulkBodyWriter.DocumentId(record.Origin))));
            }

            buffer.Write("\n"u8);
            using (var document = JsonDocument.Parse(record.Document))
            using (var writer = new Utf8JsonWriter(buffer))
            {
                document.WriteTo(writer);
            }

            buffer.Write("\n"u8);
        }

        return buffer.WrittenCount;
    }

    [Benchmark]
    public long PreSerializedNdjson()
    {
        using var body = _writer.Build(_records);
        return body.WrittenCount;
    }

    public sealed record BulkAction(BulkActionMeta create);

    public sealed record BulkActionMeta(string _id);
}
