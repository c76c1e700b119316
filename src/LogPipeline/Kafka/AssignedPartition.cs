using Confluent.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Kafka;

/// <summary>What the source holds for one assigned partition: its offset tracker (what may be committed), the
/// <see cref="PartitionRunner"/> that processes its records, and its pause state. Created on assignment, closed
/// on revoke or loss; a partition assigned again gets a new instance.</summary>
internal sealed class AssignedPartition(TopicPartition topicPartition, PartitionRunner runner,
    Prometheus.Counter.Child receivedCounter, Prometheus.Counter.Child bytesCounter)
{
    public TopicPartition TopicPartition { get; } = topicPartition;

    public string Topic => TopicPartition.Topic;

    public int Partition => TopicPartition.Partition.Value;

    public PartitionOffsetTracker Tracker { get; } = new();

    public PartitionRunner Runner { get; } = runner;

    /// <summary>True once revoked, lost or shut down: its records are dropped and redelivered to the next owner.</summary>
    public bool IsClosed => Runner.IsStopped;

    /// <summary>Assigned and not yet brought to the source's pause state (touched by the consume thread only).</summary>
    public bool Fresh { get; set; } = true;

    /// <summary>Paused for backpressure (touched by the consume thread only).</summary>
    public bool Paused { get; set; }

    /// <summary>Paused because <see cref="PartitionOffsetTracker.Uncommitted"/> reached its bound (touched by the
    /// consume thread only). Stays paused through a backpressure resume.</summary>
    public bool GapPaused { get; set; }

    public Prometheus.Counter.Child ReceivedCounter { get; } = receivedCounter;

    public Prometheus.Counter.Child BytesCounter { get; } = bytesCounter;

    public override string ToString() => $"{Topic}[{Partition}] pending={Tracker.Pending} acked={Tracker.AcknowledgedOffset} committed={Tracker.CommittedOffset}";
}
