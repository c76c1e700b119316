using System.Threading.Channels;
using Confluent.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Kafka;

/// <summary>What the source holds for one assigned partition: its offset tracker, its ordered input queue,
/// its processor and the task that feeds the processor. Created on assignment, closed on revoke or loss.</summary>
internal sealed class PartitionPipeline
{
    public PartitionPipeline(TopicPartition topicPartition, IPartitionProcessor processor, int capacity)
    {
        TopicPartition = topicPartition;
        Processor = processor;
        Input = Channel.CreateBounded<PipelineRecord>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public TopicPartition TopicPartition { get; }

    public string Topic => TopicPartition.Topic;

    public int Partition => TopicPartition.Partition.Value;

    public PartitionOffsetTracker Tracker { get; } = new();

    public Channel<PipelineRecord> Input { get; }

    public IPartitionProcessor Processor { get; }

    /// <summary>Cancelled when the partition is closed: queued records are dropped (they are redelivered).</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The processing task; disposes the processor when it ends.</summary>
    public Task Worker { get; set; } = Task.CompletedTask;

    /// <summary>Assigned and not yet brought to the source's pause state (touched by the consume thread only).</summary>
    public bool Fresh { get; set; } = true;

    /// <summary>Paused for backpressure (touched by the consume thread only).</summary>
    public bool Paused { get; set; }

    public required Prometheus.Counter.Child ReceivedCounter { get; init; }

    public required Prometheus.Counter.Child BytesCounter { get; init; }

    public override string ToString() => $"{Topic}[{Partition}] pending={Tracker.Pending} acked={Tracker.AcknowledgedOffset} committed={Tracker.CommittedOffset}";
}
