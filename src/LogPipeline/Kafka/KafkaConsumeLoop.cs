using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Kafka;

/// <summary>The consume thread's loop: takes messages from the consumer into their partition's
/// <see cref="PartitionRunner"/> while the <see cref="InFlightLimiter"/> allows, holds or pauses the partitions when
/// it does not, and commits and refreshes the gauges on time. Rebalance callbacks run inside <c>Consume</c>, on this
/// thread, so every call to the consumer's pause state is made from here.</summary>
internal sealed class KafkaConsumeLoop(
    IConsumer<byte[]?, RecordBuffer> consumer,
    KafkaSourceOptions options,
    string? singleTopic,
    AssignedPartitions partitions,
    InFlightLimiter limiter,
    OffsetCommitter committer,
    PipelineMetrics metrics,
    ThrottledLog log,
    ILogger logger,
    Action<Error> consumerError,
    Action updateGauges)
{
    private static readonly long GaugeInterval = (long)TimeSpan.FromSeconds(1).TotalMilliseconds;

    private readonly List<TopicPartition> _ignored = [];
    private readonly List<AssignedPartition> _gapPaused = [];
    private long _received;
    private long _pauses;
    private long _resumes;
    private bool _paused;
    private bool _assignmentChanged;

    /// <summary>Messages taken into the pipeline.</summary>
    public long Received => Interlocked.Read(ref _received);

    public long PauseCount => Interlocked.Read(ref _pauses);

    public long ResumeCount => Interlocked.Read(ref _resumes);

    public bool IsPaused => _paused;

    /// <summary>Called by the assignment callback (on this thread): the new partitions are brought to the loop's
    /// pause state before the next message is taken; <paramref name="deadLetterPartitions"/> are paused for good.</summary>
    public void OnAssigned(IEnumerable<TopicPartition> deadLetterPartitions)
    {
        _ignored.AddRange(deadLetterPartitions);
        _assignmentChanged = true;
    }

    public void Run(CancellationToken token)
    {
        var now = Environment.TickCount64;
        var nextCommit = now + (long)options.CommitInterval.TotalMilliseconds;
        var nextGauges = now;
        AssignedPartition? last = null;
        while (!token.IsCancellationRequested)
        {
            if (ApplyBackpressure())
            {
                try
                {
                    var result = consumer.Consume(options.PollTimeout);
                    if (result?.Message is { } message)
                    {
                        // Not result.TopicPartitionOffset: that getter allocates a new object on every call.
                        Receive(result.Topic ?? singleTopic, result.Partition.Value, result.Offset.Value, message.Key, message.Value, message.Timestamp,
                            message.Headers, ref last, token);
                    }
                }
                catch (ConsumeException e) when (e.Error.Code is ErrorCode.Local_ValueDeserialization or ErrorCode.Local_KeyDeserialization
                                                 && e.ConsumerRecord?.Message is { } raw)
                {
                    // The value could not be copied into a slab (out of memory). librdkafka has already moved past
                    // this message, so skipping it would let a later commit pass it: take the raw bytes instead.
                    // Only for these codes: other consume errors (a failed fetch) carry a record too, but no message
                    // of the log, and tracking it would make the real message at that offset look redelivered.
                    metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, e.Error.Code.ToString()).Inc();
                    log.Log("consumer:" + e.Error.Code, LogLevel.Warning, $"Kafka message not deserialized ({e.Error.Reason}); using its raw bytes");
                    Receive(e.ConsumerRecord.Topic ?? singleTopic, e.ConsumerRecord.Partition.Value, e.ConsumerRecord.Offset.Value, raw.Key,
                        new RecordBuffer(raw.Value ?? [], null), raw.Timestamp, raw.Headers, ref last, token);
                }
                catch (ConsumeException e)
                {
                    consumerError(e.Error);
                }
            }
            else
            {
                // Held at the in-flight bound: librdkafka keeps its prefetched records for when room is made.
                limiter.WaitForRoom(token);
            }

            now = Environment.TickCount64;
            if (now >= nextCommit)
            {
                committer.Commit(partitions.ToList(), retryDuringRebalance: false);
                nextCommit = now + (long)options.CommitInterval.TotalMilliseconds;
            }

            if (now >= nextGauges)
            {
                updateGauges();
                nextGauges = now + GaugeInterval;
            }
        }
    }

    private void Receive(string? topic, int partition, long offset, byte[]? key, RecordBuffer value, Timestamp timestamp, Headers? headers,
        ref AssignedPartition? last, CancellationToken token)
    {
        // The cached partition may belong to an earlier assignment of this partition (revoked or lost, then
        // assigned again): its records must go to the current one, or they would be skipped and a later
        // commit would pass them. So a closed cached partition is looked up again, never trusted.
        if (last is null || last.IsClosed || last.Partition != partition || !string.Equals(last.Topic, topic, StringComparison.Ordinal))
        {
            last = topic is null ? null : partitions.Find(topic, partition);
        }

        if (last is null || last.IsClosed)
        {
            value.Slab?.Release();
            return;
        }

        var record = new PipelineRecord
        {
            Origin = new RecordOrigin(last.Topic, partition, offset),
            Key = key,
            Value = value.Memory,
            ValueSlab = value.Slab,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.UnixTimestampMs),
            TraceHeaders = KafkaTraceHeaders.Read(headers),
        };
        if (!last.Tracker.Track(record))
        {
            record.ReleaseBuffers();
            return;
        }

        limiter.Reserve(record.SizeBytes + record.Value.Length);
        Interlocked.Increment(ref _received);
        last.ReceivedCounter.Inc();
        last.BytesCounter.Inc(record.Value.Length);
        if (!last.Runner.TryEnqueue(record))
        {
            // Only reachable past the in-flight bounds (the queue holds MaxInFlightRecords); the partition is
            // paused by then, so this waits for at most the records fetched before the pause took effect.
            last.Runner.Enqueue(record, token);
        }

        if (last.Tracker.Uncommitted >= options.MaxUncommittedPerPartition && !last.GapPaused)
        {
            PauseForGap(last);
        }
    }

    /// <summary>One record of <paramref name="p"/> stays unacknowledged while the records behind it are done: its
    /// offset state grows with every record taken, and none of them can be committed. The in-flight bounds do not see
    /// it (they count unacknowledged records only), so this partition alone is paused until the record is done.</summary>
    private void PauseForGap(AssignedPartition p)
    {
        p.GapPaused = true;
        _gapPaused.Add(p);
        TryPauseResume([p.TopicPartition], pause: true);
        metrics.UncommittedGapPausedPartitions.Set(_gapPaused.Count);
        logger.LogWarning(
            "Partition {Partition} paused: {Uncommitted} records received since offset {Offset} wait behind it unacknowledged (Kafka:Source:MaxUncommittedPerPartition = {Max}); the record at that offset is not acknowledged yet (a dead-letter write or the sink keeps failing). Consumption of this partition resumes when it is",
            p.TopicPartition, p.Tracker.Uncommitted, p.Tracker.AcknowledgedOffset ?? p.Tracker.Position, options.MaxUncommittedPerPartition);
    }

    /// <summary>Resumes the partitions paused by <see cref="PauseForGap"/> whose gap fell below half the bound, and
    /// forgets those closed meanwhile. One still paused for backpressure is left to the backpressure resume.</summary>
    private void ResumeGapPausedPartitions()
    {
        for (var i = _gapPaused.Count - 1; i >= 0; i--)
        {
            var p = _gapPaused[i];
            if (!p.IsClosed && p.Tracker.Uncommitted >= options.MaxUncommittedPerPartition / 2)
            {
                continue;
            }

            _gapPaused.RemoveAt(i);
            p.GapPaused = false;
            if (!p.IsClosed)
            {
                logger.LogInformation("Partition {Partition} resumed: {Uncommitted} records wait for acknowledgement", p.TopicPartition, p.Tracker.Uncommitted);
                if (!p.Paused)
                {
                    TryPauseResume([p.TopicPartition], pause: false);
                }
            }
        }

        metrics.UncommittedGapPausedPartitions.Set(_gapPaused.Count);
    }

    /// <summary>Decides whether the loop may take a record now (see <see cref="InFlightLimiter.Decide"/>) and
    /// pauses or resumes the partitions as it says.</summary>
    private bool ApplyBackpressure()
    {
        if (_assignmentChanged)
        {
            _assignmentChanged = false;
            SettleFreshPartitions();
        }

        if (_gapPaused.Count > 0)
        {
            ResumeGapPausedPartitions();
        }

        switch (limiter.Decide(Environment.TickCount64, _paused))
        {
            case InFlightDecision.Hold:
                return false;
            case InFlightDecision.Pause:
                // Held too long: pause, so that the loop can consume again and serve rebalances.
                _paused = true;
                Interlocked.Increment(ref _pauses);
                logger.LogDebug("Pausing {Count} partitions: {Records} records / {Bytes} bytes in flight (limits {MaxRecords} / {MaxBytes})",
                    partitions.Count, limiter.Records, limiter.Bytes, options.MaxInFlightRecords, options.MaxInFlightBytes);
                PauseAssigned();
                return true;
            case InFlightDecision.Resume:
                _paused = false;
                Interlocked.Increment(ref _resumes);
                var list = partitions.Values.Where(p => p.Paused).ToList();
                foreach (var p in list)
                {
                    p.Paused = false;
                }

                TryPauseResume(list.Where(p => !p.GapPaused).Select(p => p.TopicPartition).ToList(), pause: false);
                logger.LogDebug("Resuming {Count} partitions: {Records} records / {Bytes} bytes in flight", list.Count, limiter.Records, limiter.Bytes);
                metrics.PausedPartitions.Set(0);
                return true;
            default:
                return true;
        }
    }

    /// <summary>librdkafka keeps a partition's pause flag across revoke and re-assignment, so a partition paused
    /// before a rebalance would come back paused for good: bring every new partition to the current state.</summary>
    private void SettleFreshPartitions()
    {
        if (_ignored.Count > 0)
        {
            logger.LogInformation("Not consuming dead-letter partitions matched by the topic pattern: {Partitions}", string.Join(", ", _ignored));
            TryPauseResume(_ignored.ToList(), pause: true);
            _ignored.Clear();
        }

        var fresh = partitions.Values.Where(p => p.Fresh && !p.IsClosed).ToList();
        foreach (var p in fresh)
        {
            p.Fresh = false;
        }

        if (_paused)
        {
            PauseAssigned();
        }
        else
        {
            TryPauseResume(fresh.Select(p => p.TopicPartition).ToList(), pause: false);
        }
    }

    private void PauseAssigned()
    {
        List<TopicPartition>? list = null;
        foreach (var p in partitions.Values)
        {
            if (!p.Paused && !p.IsClosed)
            {
                p.Paused = true;
                (list ??= []).Add(p.TopicPartition);
            }
        }

        if (list is not null)
        {
            TryPauseResume(list, pause: true);
            metrics.PausedPartitions.Set(partitions.Values.Count(p => p.Paused));
        }
    }

    private void TryPauseResume(List<TopicPartition> list, bool pause)
    {
        if (list.Count == 0)
        {
            return;
        }

        try
        {
            if (pause)
            {
                consumer.Pause(list);
            }
            else
            {
                consumer.Resume(list);
            }
        }
        catch (KafkaException e)
        {
            metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, pause ? "pause" : "resume").Inc();
            log.Log("pause", LogLevel.Warning, $"{(pause ? "Pause" : "Resume")} of {list.Count} partitions failed: {e.Error.Reason}");
        }
    }
}
