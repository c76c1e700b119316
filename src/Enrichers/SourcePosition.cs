namespace Enrichers;

/// <summary>Where a record was read: the Kafka topic, partition and offset of its message (plain values: this library
/// knows no Kafka type). Written as <c>kafka.topic</c>, <c>kafka.partition</c>, <c>kafka.offset</c> when
/// <see cref="EnrichmentOptions.KafkaFields"/> is on.</summary>
public readonly record struct SourcePosition(string Topic, int Partition, long Offset);
