using System.Globalization;
using System.Text;
using Confluent.Kafka;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Replay;

/// <summary>One record read back from a dead-letter topic: the original key and value and what the headers
/// (<see cref="DeadLetterHeaders"/>) say about where it came from and why it was refused.</summary>
internal sealed record DeadLetter(
    TopicPartitionOffset Position,
    DateTimeOffset DeadLetteredAt,
    RecordOrigin? Origin,
    DateTimeOffset OriginTimestamp,
    string ReasonCode,
    bool Truncated,
    byte[]? Key,
    byte[] Value)
{
    /// <summary>The original message's trace context headers, carried onto the dead-letter copy; null when none.</summary>
    public Enrichers.Tracing.TraceHeaders? TraceHeaders { get; init; }

    /// <summary>Reason code given to a dead letter without the reason header.</summary>
    public const string UnknownReason = "unknown";

    /// <summary>Reads a consumed dead-letter record. Never throws: a record without usable origin headers has a null
    /// <see cref="Origin"/> (it cannot be given its original <c>_id</c>).</summary>
    public static DeadLetter From(ConsumeResult<byte[]?, byte[]?> result)
    {
        var headers = result.Message.Headers;
        string? Header(string name) =>
            headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

        var originTimestamp = DateTimeOffset.TryParse(Header(DeadLetterHeaders.OriginTimestamp), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var ts) ? ts : default;
        return new DeadLetter(
            result.TopicPartitionOffset,
            result.Message.Timestamp.UtcDateTime,
            DeadLetterHeaders.TryReadOrigin(headers, out var origin) ? origin : null,
            originTimestamp,
            Header(DeadLetterHeaders.ReasonCode) is { Length: > 0 } reason ? reason : UnknownReason,
            Header(DeadLetterHeaders.OriginalValueLength) is not null,
            result.Message.Key,
            result.Message.Value ?? [])
        {
            TraceHeaders = KafkaTraceHeaders.Read(headers),
        };
    }
}
