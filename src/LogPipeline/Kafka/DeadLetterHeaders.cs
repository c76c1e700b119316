using System.Globalization;
using System.Text;
using Confluent.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Kafka;

/// <summary>Header names on dead-letter records, and the identity of a dead-letter record. Values are UTF-8 strings;
/// the record's key and value are the original bytes.
/// <para>Identity: a dead-letter record stands for one origin record, named by <see cref="OriginId"/>
/// (<c>topic:partition:offset</c>, the same string as that record's Elasticsearch document <c>_id</c>). The same
/// origin record can be dead-lettered more than once (a crash before its offset was committed redelivers it), so
/// readers of the dead-letter topic deduplicate by this identity, and a replay that indexes with it as
/// <c>_id</c> never duplicates a document.</para></summary>
internal static class DeadLetterHeaders
{
    /// <summary>Topic the record was consumed from.</summary>
    public const string OriginTopic = "logpipeline.origin.topic";

    /// <summary>Partition the record was consumed from (decimal).</summary>
    public const string OriginPartition = "logpipeline.origin.partition";

    /// <summary>Offset of the record in its origin partition (decimal).</summary>
    public const string OriginOffset = "logpipeline.origin.offset";

    /// <summary>The record's identity, <see cref="OriginId"/> of its origin: equal on every dead-letter copy of the
    /// same origin record.</summary>
    public const string OriginIdentity = "logpipeline.origin.id";

    /// <summary>Broker timestamp of the original record (ISO 8601, UTC).</summary>
    public const string OriginTimestamp = "logpipeline.origin.timestamp";

    /// <summary>Low-cardinality reason (e.g. <c>invalid_json</c>, <c>mapper_parsing_exception</c>).</summary>
    public const string ReasonCode = "logpipeline.reason.code";

    /// <summary>Human-readable reason.</summary>
    public const string ReasonText = "logpipeline.reason.text";

    /// <summary>Set only when the original value was larger than the producer may send and was cut to fit:
    /// the original length in bytes (decimal).</summary>
    public const string OriginalValueLength = "logpipeline.original.value_length";

    /// <summary>When the record was dead-lettered (ISO 8601, UTC).</summary>
    public const string Time = "logpipeline.dead_lettered.time";

    /// <summary>The identity of the origin record: <c>topic:partition:offset</c>, which is also its Elasticsearch
    /// document <c>_id</c> (<see cref="Elasticsearch.BulkBodyWriter.DocumentId"/>).</summary>
    public static string OriginId(RecordOrigin origin) => origin.MessageId;

    /// <summary>Reads the origin of a dead-letter record from its headers; false when one of them is missing, the
    /// topic is empty or a number is not one (a record not written by this worker: no Kafka record comes from a
    /// topic without a name).</summary>
    public static bool TryReadOrigin(Headers? headers, out RecordOrigin origin)
    {
        origin = default;
        if (headers is null
            || !headers.TryGetLastBytes(OriginTopic, out var topic)
            || topic.Length == 0
            || !headers.TryGetLastBytes(OriginPartition, out var partition)
            || !headers.TryGetLastBytes(OriginOffset, out var offset)
            || !int.TryParse(Encoding.UTF8.GetString(partition), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            || !long.TryParse(Encoding.UTF8.GetString(offset), NumberStyles.None, CultureInfo.InvariantCulture, out var o))
        {
            return false;
        }

        origin = new RecordOrigin(Encoding.UTF8.GetString(topic), p, o);
        return true;
    }

    /// <summary>The headers of a new dead-letter record.</summary>
    internal static Headers Create(PipelineRecord record, string reasonCode, string reasonText, DateTime now)
    {
        var headers = CreateOwn(record, reasonCode, reasonText, now);
        // The original's trace context goes along, so a replay links the record as the worker would have.
        KafkaTraceHeaders.Write(record.TraceHeaders, headers);
        return headers;
    }

    private static Headers CreateOwn(PipelineRecord record, string reasonCode, string reasonText, DateTime now) => new()
    {
        { OriginTopic, Encoding.UTF8.GetBytes(record.Origin.Topic) },
        { OriginPartition, Encoding.UTF8.GetBytes(record.Origin.Partition.ToString(CultureInfo.InvariantCulture)) },
        { OriginOffset, Encoding.UTF8.GetBytes(record.Origin.Offset.ToString(CultureInfo.InvariantCulture)) },
        { OriginIdentity, Encoding.UTF8.GetBytes(OriginId(record.Origin)) },
        { OriginTimestamp, Encoding.UTF8.GetBytes(record.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) },
        { ReasonCode, Encoding.UTF8.GetBytes(reasonCode) },
        { ReasonText, Encoding.UTF8.GetBytes(reasonText) },
        { Time, Encoding.UTF8.GetBytes(now.ToString("O", CultureInfo.InvariantCulture)) },
    };
}
