using System.Globalization;

namespace LogPipeline.Pipeline;

/// <summary>Where a record came from: its Kafka topic, partition and offset, and for one of several documents made
/// from one message (the log records of an OTLP/JSON batch) its <paramref name="Index"/> among them (-1: the message
/// is one document). Unique per document, so it also derives the Elasticsearch document <c>_id</c> and the
/// dead-letter headers.</summary>
internal readonly record struct RecordOrigin(string Topic, int Partition, long Offset, int Index = -1)
{
    /// <summary>The identity of the Kafka message: <c>topic:partition:offset</c>. The one place this string is made:
    /// the Elasticsearch document <c>_id</c> (<see cref="Elasticsearch.BulkBodyWriter.DocumentId"/>) and the
    /// dead-letter identity (<see cref="Kafka.DeadLetterHeaders.OriginId"/>) are built from it.</summary>
    public string MessageId => string.Create(CultureInfo.InvariantCulture, $"{Topic}:{Partition}:{Offset}");

    public override string ToString() => Index < 0 ? $"{Topic}[{Partition}]@{Offset}" : $"{Topic}[{Partition}]@{Offset}#{Index}";
}
