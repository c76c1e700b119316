namespace LogPipeline.Kafka;

/// <summary>Behaviour of the Kafka source (configuration section <c>Kafka:Source</c>). Connection and
/// client settings are not here: <c>Kafka:Consumer</c> binds into Confluent's <c>ConsumerConfig</c> and
/// <c>Kafka:Producer</c> (dead-letter producer) into <c>ProducerConfig</c>; see
/// <see cref="KafkaClientConfiguration"/>.</summary>
internal sealed class KafkaSourceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Kafka:Source";

    /// <summary>Topics to consume. Default: <c>["smm-logs-raw"]</c>. Ignored when <see cref="TopicPattern"/> is set.</summary>
    public List<string> Topics { get; set; } = ["smm-logs-raw"];

    /// <summary>A regular expression (librdkafka/POSIX syntax, without the leading <c>^</c>) selecting topics
    /// to consume instead of <see cref="Topics"/>; new matching topics are picked up automatically. Default:
    /// none. Partitions of matched topics ending in <c>.dlq</c> (or named exactly
    /// <see cref="DeadLetterTopic"/>) are left paused, so dead-lettered records never loop back.</summary>
    public string? TopicPattern { get; set; }

    /// <summary>Where rejected records go. <c>{topic}</c> is replaced by the record's origin topic.
    /// Default: <c>{topic}.dlq</c> (e.g. <c>smm-logs-raw.dlq</c>).</summary>
    public string DeadLetterTopic { get; set; } = "{topic}.dlq";

    /// <summary>How often the acknowledged prefix of each partition is committed. Offsets are also committed
    /// on revoke and on shutdown. Default: 5 s. Allowed: 100 ms – 10 min.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound on bytes (key + value + enriched document) of records received but not yet
    /// acknowledged. At it the source stops taking records (see <see cref="PauseAfter"/>). Default: 12 MiB, room
    /// for the sink's two 5,000-document requests (~1 KiB per record counted) and the records being enriched
    /// behind them; more only queues in front of the sink. Allowed: ≥ 64 KiB.</summary>
    public long MaxInFlightBytes { get; set; } = 12L * 1024 * 1024;

    /// <summary>Upper bound on records received but not yet acknowledged. At it the source stops taking records
    /// (see <see cref="PauseAfter"/>). Default: 12,000. Allowed: 100 – 10,000,000.</summary>
    public int MaxInFlightRecords { get; set; } = 12_000;

    /// <summary>Upper bound on the records of one partition received since its oldest unacknowledged record (acknowledged
    /// or not): the offsets a commit cannot pass yet. A record that stays unacknowledged while the rest of its partition
    /// flows (a dead-letter write that keeps failing) would otherwise grow that partition's offset state without end,
    /// until the heap cap stops the worker, which then replays from the stuck offset forever. At the bound that one
    /// partition is paused (<c>logpipeline_uncommitted_gap_paused_partitions</c>, a warning in the log) and resumes
    /// below half of it. Keep it above <see cref="MaxInFlightRecords"/>, or a healthy partition that has most of the
    /// in-flight records to itself can reach it too. Default: 50,000 (at most ~1.6 MB of offset state per partition).
    /// Allowed: 1,000 – 10,000,000.</summary>
    public int MaxUncommittedPerPartition { get; set; } = 50_000;

    /// <summary>Low-water mark as a fraction of both in-flight bounds: paused partitions resume when bytes and
    /// records are both below it. Default: 0.5. Allowed: 0.05 – 0.95.</summary>
    public double ResumeThreshold { get; set; } = 0.5;

    /// <summary>How long the source may hold at an in-flight bound before it pauses every partition. While it
    /// holds, it only stops taking records from librdkafka, which keeps fetching until its own prefetch bound
    /// (<c>queued.max.messages.kbytes</c>) and hands those records over the moment acknowledgements make room.
    /// A pause instead makes librdkafka drop what it prefetched and fetch it again on resume, and consumption
    /// then restarts only at <see cref="ResumeThreshold"/>: the stages stop and start in turn. A pause is still
    /// needed when the sink stays blocked, because rebalance callbacks are only served while consuming, and
    /// <c>max.poll.interval.ms</c> must not pass. Default: 1 s. Allowed: 0 (pause at once) – 60 s.</summary>
    public TimeSpan PauseAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On revoke, how long to wait for the records of the revoked partitions to be acknowledged
    /// (the sink is flushed) before committing what is acknowledged; the rest is redelivered to the new
    /// owner. Default: 10 s. Allowed: 0 – 5 min (keep it below <c>max.poll.interval.ms</c>).</summary>
    public TimeSpan RevokeDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>On shutdown, how long to wait for in-flight records to be acknowledged before committing the
    /// acknowledged prefix and leaving the group. The worker sets it from <c>Shutdown:DrainTimeout</c>.
    /// Default: 25 s. Allowed: 0 – 10 min.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Records buffered between the partition processors and the sink writer. Default: 1024.
    /// Allowed: 1 – 1,000,000.</summary>
    public int SinkChannelCapacity { get; set; } = 1024;

    /// <summary>How long one <c>Consume</c> call blocks when no message is ready; bounds how quickly the
    /// loop notices commits, resumes and shutdown. Default: 100 ms. Allowed: 1 ms – 5 s.</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Wait before producing a dead-letter record again after Kafka refused it. Default: 1 s.
    /// Allowed: 10 ms – 5 min.</summary>
    public TimeSpan DeadLetterRetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Returns one message per invalid setting, naming the key, the value and what is allowed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var p = SectionName + ":";
        if (string.IsNullOrWhiteSpace(TopicPattern))
        {
            if (Topics is null || Topics.Count == 0 || Topics.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{p}Topics = [{string.Join(", ", Topics ?? [])}] is invalid: give at least one non-empty topic name, or set {p}TopicPattern.");
            }
            else if (Topics.Any(t => t.EndsWith(".dlq", StringComparison.Ordinal)))
            {
                errors.Add($"{p}Topics = [{string.Join(", ", Topics)}] is invalid: dead-letter topics (ending in .dlq) are not consumed.");
            }
        }
        else
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(TopicPattern);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{p}TopicPattern = '{TopicPattern}' is not a valid regular expression: {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(DeadLetterTopic))
        {
            errors.Add($"{p}DeadLetterTopic = '{DeadLetterTopic}' is invalid: give a topic name; '{{topic}}' stands for the origin topic (default '{{topic}}.dlq').");
        }
        else if (string.IsNullOrWhiteSpace(TopicPattern) && Topics is not null && Topics.Any(t => DeadLetterTopicFor(t) == t))
        {
            errors.Add($"{p}DeadLetterTopic = '{DeadLetterTopic}' is invalid: it names a consumed topic.");
        }

        Range(errors, p + nameof(CommitInterval), CommitInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Range(errors, p + nameof(RevokeDrainTimeout), RevokeDrainTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Range(errors, p + nameof(DrainTimeout), DrainTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Range(errors, p + nameof(PauseAfter), PauseAfter, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        Range(errors, p + nameof(PollTimeout), PollTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
        Range(errors, p + nameof(DeadLetterRetryBackoff), DeadLetterRetryBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        if (MaxInFlightBytes < 64 * 1024)
        {
            errors.Add($"{p}{nameof(MaxInFlightBytes)} = {MaxInFlightBytes} is invalid: allowed is at least 65536 (64 KiB).");
        }

        if (MaxInFlightRecords is < 100 or > 10_000_000)
        {
            errors.Add($"{p}{nameof(MaxInFlightRecords)} = {MaxInFlightRecords} is invalid: allowed is 100 to 10000000.");
        }

        if (MaxUncommittedPerPartition is < 1_000 or > 10_000_000)
        {
            errors.Add($"{p}{nameof(MaxUncommittedPerPartition)} = {MaxUncommittedPerPartition} is invalid: allowed is 1000 to 10000000.");
        }

        if (double.IsNaN(ResumeThreshold) || ResumeThreshold is < 0.05 or > 0.95)
        {
            errors.Add($"{p}{nameof(ResumeThreshold)} = {ResumeThreshold} is invalid: allowed is 0.05 to 0.95.");
        }

        if (SinkChannelCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"{p}{nameof(SinkChannelCapacity)} = {SinkChannelCapacity} is invalid: allowed is 1 to 1000000.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="KafkaConfigurationException"/> listing every invalid setting.</summary>
    public void ValidateOrThrow()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new KafkaConfigurationException(errors);
        }
    }

    /// <summary>The dead-letter topic for records from <paramref name="originTopic"/>.</summary>
    public string DeadLetterTopicFor(string originTopic) =>
        DeadLetterTopic.Replace("{topic}", originTopic, StringComparison.Ordinal);

    private static void Range(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} = {value:c} is invalid: allowed is {min:c} to {max:c}.");
        }
    }
}
