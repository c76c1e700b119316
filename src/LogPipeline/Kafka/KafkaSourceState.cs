namespace LogPipeline.Kafka;

/// <summary>Lifecycle of a <see cref="KafkaSource"/>, for readiness probes.</summary>
internal enum KafkaSourceState
{
    /// <summary>Constructed; <see cref="KafkaSource.RunAsync"/> not called yet.</summary>
    Created,

    /// <summary>Starting the sink and joining the consumer group.</summary>
    Starting,

    /// <summary>In the group with no partitions (e.g. more workers than partitions). Ready.</summary>
    WaitingForAssignment,

    /// <summary>Consuming at least one partition. Ready.</summary>
    Assigned,

    /// <summary>Shutdown requested: draining, committing, leaving the group.</summary>
    Stopping,

    /// <summary>Stopped after a shutdown request.</summary>
    Stopped,

    /// <summary>Stopped by a fatal error; <see cref="KafkaSource.RunAsync"/> throws.</summary>
    Failed,
}
