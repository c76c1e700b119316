using Confluent.Kafka;
using LogPipeline.Kafka;

namespace LogPipeline.Replay;

/// <summary>Reads dead-letter topics from their start (or a group's committed offset, or a time) up to the high
/// watermark each partition had when the reader opened, then stops: dead letters that arrive during a replay wait
/// for the next one.
/// <para>The consumer is assigned its partitions by hand: it never joins a group, so the running workers' group is
/// not disturbed, and nothing is committed unless a dedicated group was asked for (<see cref="CommitEnd"/>).</para></summary>
internal sealed class DeadLetterReader : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Dictionary<TopicPartition, long> _ends = [];
    private readonly HashSet<TopicPartition> _open = [];
    private long _read;

    private DeadLetterReader(IConsumer<byte[]?, byte[]?> consumer, bool useGroup)
    {
        _consumer = consumer;
        UsesGroup = useGroup;
    }

    /// <summary>Dead letters between the start offsets and the end (high watermark at open), all partitions.</summary>
    public long Total { get; private set; }

    /// <summary>Dead letters read so far.</summary>
    public long Read => Interlocked.Read(ref _read);

    /// <summary>Partitions of every topic read.</summary>
    public int Partitions => _ends.Count;

    /// <summary>Started at the dedicated group's committed offsets; <see cref="CommitEnd"/> commits.</summary>
    public bool UsesGroup { get; }

    /// <summary>The consumer settings of the worker, turned into those of a reader: headers read (the worker does not
    /// read them), partition ends reported, no static membership (the reader never joins a group; sharing a node's
    /// <c>group.instance.id</c> with its worker would fence one of them), and its own client id.</summary>
    /// <param name="group">A dedicated consumer group whose offsets the replay starts from and commits; null for none.</param>
    public static ConsumerConfig PrepareConsumer(ConsumerConfig worker, string? group)
    {
        var config = new ConsumerConfig(worker.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            ConsumeResultFields = "headers,timestamp,topic",
            EnablePartitionEof = true,
            GroupInstanceId = null,
            ClientId = (worker.ClientId ?? "logpipeline") + "-replay",
        };

        // librdkafka wants a group id even for a consumer that only assigns; without --group it is never used to read
        // or commit offsets, so it must not be the workers' own.
        config.GroupId = group ?? (worker.GroupId ?? KafkaClientConfiguration.DefaultGroupId) + "-replay";
        return config;
    }

    /// <summary>Finds the partitions and their ends, chooses the start offsets and assigns them.</summary>
    /// <exception cref="DeadLetterReplayException">A topic does not exist or the cluster cannot be reached.</exception>
    public static DeadLetterReader Open(ConsumerConfig config, IReadOnlyList<string> topics, bool useGroup, DateTimeOffset? since)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var reader = new DeadLetterReader(consumer, useGroup);
        try
        {
            reader.Assign(topics, since);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The next dead letter, or null once every partition reached its end (or on cancellation).</summary>
    public DeadLetter? Next(CancellationToken cancellationToken)
    {
        while (_open.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(250));
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // Transient (a broker down, a leader moving): librdkafka retries by itself.
                continue;
            }

            if (result is null || !_open.Contains(result.TopicPartition))
            {
                continue;
            }

            var end = _ends[result.TopicPartition];
            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= end)
                {
                    _open.Remove(result.TopicPartition);
                }

                continue;
            }

            if (result.Offset.Value >= end)
            {
                // Arrived after the replay started.
                _open.Remove(result.TopicPartition);
                continue;
            }

            if (result.Offset.Value + 1 >= end)
            {
                _open.Remove(result.TopicPartition);
            }

            Interlocked.Increment(ref _read);
            return DeadLetter.From(result);
        }

        return null;
    }

    /// <summary>Commits each partition's end for the dedicated group, so the next replay with it starts there.</summary>
    public void CommitEnd()
    {
        if (UsesGroup && _ends.Count > 0)
        {
            _consumer.Commit(_ends.Select(e => new TopicPartitionOffset(e.Key, e.Value)));
        }
    }

    public void Dispose()
    {
        try
        {
            _consumer.Close();
        }
        catch (KafkaException)
        {
            // Nothing to hand back: the reader holds no group membership.
        }

        _consumer.Dispose();
    }

    private void Assign(IReadOnlyList<string> topics, DateTimeOffset? since)
    {
        var partitions = new List<TopicPartition>();
        using (var admin = new DependentAdminClientBuilder(_consumer.Handle).Build())
        {
            foreach (var topic in topics)
            {
                Metadata metadata;
                try
                {
                    metadata = admin.GetMetadata(topic, RequestTimeout);
                }
                catch (KafkaException e)
                {
                    throw new DeadLetterReplayException($"cannot read the metadata of dead-letter topic '{topic}': {e.Error.Reason}", unavailable: true);
                }

                var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
                if (found is null || found.Error.IsError || found.Partitions.Count == 0)
                {
                    throw new DeadLetterReplayException($"dead-letter topic '{topic}' does not exist ({found?.Error.Reason ?? "not in the metadata"})", unavailable: false);
                }

                partitions.AddRange(found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)));
            }
        }

        var starts = new Dictionary<TopicPartition, long>();
        foreach (var tp in partitions)
        {
            var marks = Watermarks(tp);
            _ends[tp] = marks.High.Value;
            starts[tp] = marks.Low.Value;
        }

        if (UsesGroup)
        {
            foreach (var committed in _consumer.Committed(partitions, RequestTimeout))
            {
                if (committed.Offset.Value >= 0)
                {
                    starts[committed.TopicPartition] = Math.Max(starts[committed.TopicPartition], committed.Offset.Value);
                }
            }
        }

        if (since is { } time)
        {
            SeekToTime(partitions, time, starts);
        }

        var assignment = new List<TopicPartitionOffset>();
        foreach (var tp in partitions)
        {
            var start = Math.Min(starts[tp], _ends[tp]);
            if (start < _ends[tp])
            {
                Total += _ends[tp] - start;
                _open.Add(tp);
                assignment.Add(new TopicPartitionOffset(tp, start));
            }
        }

        _consumer.Assign(assignment);
    }

    private WatermarkOffsets Watermarks(TopicPartition tp)
    {
        try
        {
            return _consumer.QueryWatermarkOffsets(tp, RequestTimeout);
        }
        catch (KafkaException e)
        {
            throw new DeadLetterReplayException($"cannot read the offsets of {tp}: {e.Error.Reason}", unavailable: true);
        }
    }

    /// <summary>Skips what was dead-lettered before <paramref name="time"/>. Only a shortcut: the filter checks each
    /// record's timestamp anyway, so a broker that cannot look offsets up by time costs reading, never correctness.</summary>
    private void SeekToTime(List<TopicPartition> partitions, DateTimeOffset time, Dictionary<TopicPartition, long> starts)
    {
        var timestamp = new Timestamp(time.UtcDateTime, TimestampType.CreateTime);
        try
        {
            foreach (var found in _consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, timestamp)), RequestTimeout))
            {
                if (found.Offset.Value >= 0)
                {
                    starts[found.TopicPartition] = Math.Max(starts[found.TopicPartition], found.Offset.Value);
                }
            }
        }
        catch (KafkaException)
        {
            // Read from the start instead.
        }
    }
}
