namespace LogPipeline.Kafka;

/// <summary>A snapshot of one assigned partition, for diagnostics (<see cref="KafkaSource.GetPartitionStatus"/>).</summary>
/// <param name="AcknowledgedOffset">One past the contiguous acknowledged prefix (what the next commit stores).</param>
/// <param name="CommittedOffset">Last offset committed by this worker.</param>
/// <param name="PendingRecords">Records received and not yet acknowledged.</param>
/// <param name="Lag">High watermark minus position, when known.</param>
/// <param name="Paused">Paused for backpressure.</param>
internal readonly record struct KafkaPartitionStatus(
    string Topic, int Partition, long? AcknowledgedOffset, long? CommittedOffset, int PendingRecords, long? Lag, bool Paused);
