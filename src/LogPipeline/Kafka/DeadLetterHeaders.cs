namespace LogPipeline.Kafka;

/// <summary>Header names on dead-letter records. Values are UTF-8 strings; the record's key and value are
/// the original bytes.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Topic the record was consumed from.</summary>
    public const string OriginTopic = "logpipeline.origin.topic";

    /// <summary>Partition the record was consumed from (decimal).</summary>
    public const string OriginPartition = "logpipeline.origin.partition";

    /// <summary>Offset of the record in its origin partition (decimal).</summary>
    public const string OriginOffset = "logpipeline.origin.offset";

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
}
