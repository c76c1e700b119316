namespace LogPipeline.Demo.Kafka;

/// <summary>Kafka protocol request types that <see cref="EmbeddedKafkaCluster.InjectRequestErrors"/> can fail.
/// Values are the protocol's API keys.</summary>
internal enum KafkaApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    InitProducerId = 22,
}
