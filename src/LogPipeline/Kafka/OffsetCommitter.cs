using System.Globalization;
using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Kafka;

/// <summary>Commits each partition's contiguous acknowledged prefix (<see cref="PartitionOffsetTracker.OffsetToCommit"/>)
/// synchronously: every <see cref="KafkaSourceOptions.CommitInterval"/>, on revoke and on shutdown. A failed commit is
/// counted and left for the next one (the prefix only grows); during a rebalance, when the coordinator answers
/// REBALANCE_IN_PROGRESS for a moment, it is retried a few times at once.</summary>
internal sealed class OffsetCommitter(
    IConsumer<byte[]?, RecordBuffer> consumer, PipelineMetrics metrics, ThrottledLog log, Func<bool> consumerFailed, Action<Error> fatal)
{
    private const int RebalanceAttempts = 5;

    /// <summary>Commits what <paramref name="list"/> acknowledged since the last commit. Returns true when every
    /// such offset is committed (or there was none), false when some commit failed or the consumer is unusable.</summary>
    public bool Commit(IReadOnlyCollection<AssignedPartition> list, bool retryDuringRebalance)
    {
        if (consumerFailed())
        {
            return false;
        }

        var offsets = new List<TopicPartitionOffset>();
        var owners = new Dictionary<TopicPartition, AssignedPartition>();
        foreach (var p in list)
        {
            if (p.Tracker.OffsetToCommit is long offset)
            {
                offsets.Add(new TopicPartitionOffset(p.TopicPartition, offset));
                owners[p.TopicPartition] = p;
            }
        }

        if (offsets.Count == 0)
        {
            return true;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                consumer.Commit(offsets);
                foreach (var committed in offsets)
                {
                    MarkCommitted(owners, committed);
                }

                return true;
            }
            catch (TopicPartitionOffsetException e)
            {
                foreach (var r in e.Results)
                {
                    if (r.Error.IsError)
                    {
                        metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, "commit_" + r.Error.Code).Inc();
                    }
                    else
                    {
                        MarkCommitted(owners, r.TopicPartitionOffset);
                    }
                }

                log.Log("commit", LogLevel.Warning, "Offset commit partly failed (retried next time): " + e.Message);
                return false;
            }
            catch (KafkaException e)
            {
                if (e.Error.IsFatal)
                {
                    fatal(e.Error);
                    return false;
                }

                metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, "commit_" + e.Error.Code).Inc();
                if (retryDuringRebalance && attempt < RebalanceAttempts && e.Error.Code != ErrorCode.Local_NoOffset)
                {
                    metrics.Retries.WithLabels(PipelineMetrics.Stages.Receiving, "commit").Inc();
                    Thread.Sleep(100 * attempt);
                    continue;
                }

                log.Log("commit", LogLevel.Warning, $"Offset commit failed ({e.Error.Code}: {e.Error.Reason}); the acknowledged prefix is committed again later");
                return false;
            }
        }
    }

    private void MarkCommitted(Dictionary<TopicPartition, AssignedPartition> owners, TopicPartitionOffset committed)
    {
        if (owners.TryGetValue(committed.TopicPartition, out var p) && committed.Offset.Value >= 0)
        {
            p.Tracker.MarkCommitted(committed.Offset.Value);
            metrics.CommittedOffset.WithLabels(p.Topic, p.Partition.ToString(CultureInfo.InvariantCulture)).Set(committed.Offset.Value);
        }
    }
}
