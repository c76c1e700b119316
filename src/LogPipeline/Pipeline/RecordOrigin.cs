namespace LogPipeline.Pipeline;

/// <summary>Where a record came from: its Kafka topic, partition and offset. Unique per record, so it
/// also derives the Elasticsearch document <c>_id</c> and the dead-letter headers.</summary>
internal readonly record struct RecordOrigin(string Topic, int Partition, long Offset)
{
    public override string ToString() => $"{Topic}[{Partition}]@{Offset}";
}
