using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using LogPipeline.Pipeline;

namespace LogPipeline.Testing;

/// <summary>Stands in for the enrichment chain: checks cheaply that a value is one UTF-8 JSON object of at
/// most <see cref="MaxRecordBytes"/> and contains no <see cref="PoisonMarker"/>, then passes the bytes
/// through as the document. Rejection codes: <c>oversized</c>, <c>invalid_utf8</c>, <c>invalid_json</c>,
/// <c>not_an_object</c>, <c>marker</c>. Also checks that each partition sees increasing offsets.</summary>
internal sealed class PassThroughRecordProcessor : IRecordProcessor
{
    private readonly ConcurrentDictionary<(string, int), int> created = new();
    private byte[]? markerBytes;
    private long outOfOrder;
    private long disposed;

    public int MaxRecordBytes { get; init; } = 64 * 1024;

    /// <summary>Bytes that make a record rejected with code <c>marker</c>; null disables.</summary>
    public string? PoisonMarker { get; init; } = "\"poison\":true";

    /// <summary>Records that reached a partition processor with an offset not above the previous one.</summary>
    public long OutOfOrderCount => Interlocked.Read(ref outOfOrder);

    /// <summary>Partition processors created so far.</summary>
    public int CreatedCount => created.Values.Sum();

    /// <summary>Partition processors disposed so far (revoke, loss, shutdown).</summary>
    public long DisposedCount => Interlocked.Read(ref disposed);

    public IPartitionProcessor CreatePartitionProcessor(string topic, int partition)
    {
        created.AddOrUpdate((topic, partition), 1, (_, n) => n + 1);
        return new Partition(this);
    }

    /// <summary>The validation alone, for reuse.</summary>
    public ProcessResult Check(ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxRecordBytes)
        {
            return ProcessResult.Rejected("oversized", $"record of {value.Length} bytes exceeds the limit of {MaxRecordBytes} bytes");
        }

        if (!Utf8.IsValid(value))
        {
            return ProcessResult.Rejected("invalid_utf8", "value is not valid UTF-8");
        }

        try
        {
            var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ProcessResult.Rejected("not_an_object", "top-level JSON value is not an object");
            }

            reader.Skip();
            while (reader.Read())
            {
                // Anything after the object makes the reader throw; reading to the end checks that.
            }
        }
        catch (JsonException e)
        {
            return ProcessResult.Rejected("invalid_json", e.Message);
        }

        if (PoisonMarker is not null && value.IndexOf(markerBytes ??= Encoding.UTF8.GetBytes(PoisonMarker)) >= 0)
        {
            return ProcessResult.Rejected("marker", "record carries the poison marker");
        }

        return ProcessResult.Ok;
    }

    private sealed class Partition(PassThroughRecordProcessor owner) : IPartitionProcessor
    {
        private long last = -1;

        public ProcessResult Process(PipelineRecord record)
        {
            if (record.Origin.Offset <= last)
            {
                Interlocked.Increment(ref owner.outOfOrder);
            }

            last = record.Origin.Offset;
            var result = owner.Check(record.Value.Span);
            if (result.Accepted)
            {
                record.Document = record.Value;
            }

            return result;
        }

        public void Dispose() => Interlocked.Increment(ref owner.disposed);
    }
}
