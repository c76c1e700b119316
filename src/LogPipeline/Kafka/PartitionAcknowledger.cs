using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;

namespace LogPipeline.Kafka;

/// <summary>Turns the sink's and the dead-letter producer's verdicts into offsets that may be committed: an
/// acknowledged record is marked done in its partition's <see cref="PartitionOffsetTracker"/> and leaves the
/// <see cref="InFlightLimiter"/>; a rejected one goes to the dead-letter topic and is done once Kafka acknowledged
/// that. A verdict only counts for the assignment that received the record (matched by instance): once its partition
/// was revoked or lost the record is redelivered to the partition's next owner, which decides about it again.</summary>
internal sealed class PartitionAcknowledger(AssignedPartitions partitions, InFlightLimiter limiter, PipelineMetrics metrics) : IRecordAcknowledger
{
    private long _acknowledged;
    private long _deadLettered;

    /// <summary>Set once the clients are built, before the first record is received.</summary>
    public DeadLetterProducer? DeadLetters { get; set; }

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    // The sink reports a record's fate as its last use of it, so its pooled bytes go back here.
    public void Acknowledge(PipelineRecord record)
    {
        if (partitions.TryGet(record.Origin.Topic, record.Origin.Partition, out var p) && p.Tracker.Complete(record))
        {
            limiter.Release(record);
            Interlocked.Increment(ref _acknowledged);
            metrics.RecordsAcknowledged.Inc();
        }

        record.ReleaseBuffers();
    }

    public void Reject(PipelineRecord record, string reasonCode, string reasonText)
    {
        // The partition may have been revoked and assigned to this worker again meanwhile: the new assignment
        // redelivers the record from the committed offset, so this earlier copy must not be dead-lettered as well.
        if (partitions.TryGet(record.Origin.Topic, record.Origin.Partition, out var p) && p.Tracker.IsTracking(record))
        {
            DeadLetter(p, record, reasonCode, reasonText);
        }

        record.ReleaseBuffers();
    }

    /// <summary>Sends a record rejected by the sink or the processor to the dead-letter topic.</summary>
    public void DeadLetter(AssignedPartition p, PipelineRecord record, string reasonCode, string reasonText) =>
        DeadLetters!.Send(p, record, reasonCode, reasonText);

    /// <summary>Kafka acknowledged the dead-letter copy of <paramref name="record"/>.</summary>
    public void OnDeadLettered(AssignedPartition p, PipelineRecord record, string reasonCode)
    {
        if (p.Tracker.Complete(record))
        {
            limiter.Release(record);
            Interlocked.Increment(ref _deadLettered);
            Interlocked.Increment(ref _acknowledged);
            metrics.RecordsDeadLettered.WithLabels(reasonCode).Inc();
            metrics.RecordsAcknowledged.Inc();
        }
    }
}
