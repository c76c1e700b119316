using System.Globalization;
using System.Text;
using LogPipeline.Pipeline;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Builds processed records (with a document like the enricher's output) for sink tests and benchmarks.</summary>
internal static class SomeLogRecords
{
    private static readonly string[] Services = ["agent-runtime", "model-gateway", "workflow-engine", "billing", "mcp-bridge"];

    public static PipelineRecord Record(string topic, int partition, long offset, string? extra = null)
    {
        var service = Services[(int)(offset % Services.Length)];
        var document = string.Create(CultureInfo.InvariantCulture,
            $"{{\"@timestamp\":\"2026-11-26T12:{offset / 60 % 60:00}:{offset % 60:00}.000Z\",\"service_name\":\"{service}\",\"level\":\"info\"," +
            $"\"message\":\"request handled for workspace ws-{offset % 97}\",\"trace_id\":\"{offset:x16}\",\"latency_ms\":{offset % 1000}," +
            $"\"token_count\":{offset % 4096},\"cost_usd\":0.000{offset % 1000:000},\"client\":{{\"ip\":\"81.2.69.0\",\"geo\":{{\"country_iso_code\":\"GB\"}}}}" +
            $"{(extra is null ? "" : "," + extra)}}}");
        var bytes = Encoding.UTF8.GetBytes(document);
        return new PipelineRecord
        {
            Origin = new RecordOrigin(topic, partition, offset),
            Value = bytes,
            Document = bytes,
            Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(offset % 1_000_000_000),
        };
    }

    /// <summary>A record whose document Elasticsearch refuses with a mapping error on any cluster with the
    /// smm-logs mappings: <c>client</c> is mapped as an object and gets a string.</summary>
    public static PipelineRecord Poisoned(string topic, int partition, long offset)
    {
        var document = string.Create(CultureInfo.InvariantCulture,
            $"{{\"@timestamp\":\"2026-11-26T12:00:00.000Z\",\"service_name\":\"billing\",\"level\":\"error\",\"client\":\"{PoisonMarker}\",\"n\":{offset}}}");
        var bytes = Encoding.UTF8.GetBytes(document);
        return new PipelineRecord { Origin = new RecordOrigin(topic, partition, offset), Value = bytes, Document = bytes };
    }

    /// <summary>The value that marks a poisoned document (for the test server's mapping-error predicate).</summary>
    public const string PoisonMarker = "not-an-object";

    /// <summary><paramref name="count"/> records spread round-robin over <paramref name="partitions"/> partitions.</summary>
    public static List<PipelineRecord> Many(int count, string topic = "smm-logs-raw", int partitions = 6)
    {
        var records = new List<PipelineRecord>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(Record(topic, i % partitions, i / partitions));
        }

        return records;
    }
}
