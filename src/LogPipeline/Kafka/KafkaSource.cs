using System.Globalization;
using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipeline.Kafka;

/// <summary>Consumes Kafka topics into a sink with at-least-once delivery: an offset is committed only when
/// every record up to it was acknowledged by the sink or by the dead-letter topic.
/// <para>Flow: the <see cref="KafkaConsumeLoop"/> (one long-running thread) → each assigned partition's
/// <see cref="PartitionRunner"/> (its <see cref="IPartitionProcessor"/> in offset order, partitions in parallel) →
/// the <see cref="SinkWriter"/> calling <see cref="IRecordSink.WriteAsync"/>. Rejected records go to the
/// <see cref="DeadLetterProducer"/>. Acknowledgements feed a <see cref="PartitionOffsetTracker"/> per partition and
/// release the <see cref="InFlightLimiter"/>; the <see cref="OffsetCommitter"/> commits the contiguous acknowledged
/// prefix every <see cref="KafkaSourceOptions.CommitInterval"/>, on revoke and on shutdown. This class owns the
/// lifecycle: start, assignment changes, fatal errors and the drain at shutdown.</para>
/// <para>Hosting: construct it once and await <see cref="RunAsync"/> from <c>BackgroundService.ExecuteAsync</c>
/// with the stopping token. When the token fires the source stops consuming, flushes the sink, waits up to
/// <see cref="KafkaSourceOptions.DrainTimeout"/> for acknowledgements, commits the acknowledged prefix,
/// closes the consumer (the group rebalances at once) and returns. It throws
/// <see cref="KafkaSourceException"/> on a fatal error, so the host exits non-zero. Keep the host's
/// shutdown timeout above the drain timeout. <see cref="State"/> and <see cref="IsReady"/> serve the
/// readiness probe. The source starts the sink but does not dispose it.</para></summary>
internal sealed class KafkaSource
{
    /// <summary>How long shutdown waits for the consumer to leave the group. Offsets are committed before, so
    /// a close that outlasts this loses nothing: the group notices the member gone by its session timeout.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly KafkaSourceOptions options;
    private readonly ConsumerConfig consumerConfig;

    // The one topic subscribed by name, or null. Then librdkafka's topic name is not marshaled into a string for
    // every message (the source's default result fields leave it out): every message is of this topic.
    private readonly string? singleTopic;
    private readonly ProducerConfig producerConfig;
    private readonly IRecordProcessor processor;
    private readonly IRecordSink sink;
    private readonly PipelineMetrics metrics;
    private readonly ILogger logger;
    private readonly ThrottledLog log;
    private readonly AssignedPartitions partitions;
    private readonly InFlightLimiter limiter;
    private readonly SinkWriter sinkWriter;
    private readonly PartitionAcknowledger acknowledger;
    private readonly CancellationTokenSource stopLoop = new();

    private RecordBufferWriter? valueWriter;
    private IConsumer<byte[]?, RecordBuffer>? consumer;
    private DeadLetterProducer? deadLetters;
    private OffsetCommitter? committer;
    private KafkaConsumeLoop? loop;
    private PartitionLagProbe? lagProbe;
    private int started;

    // Environment.TickCount64 when the stop was requested (0: not yet): every drain deadline counts from the signal.
    private long stopRequestedAt;
    private volatile int state = (int)KafkaSourceState.Created;
    private volatile Exception? fatal;
    private volatile bool consumerFatal;
    private volatile bool closing;
    private volatile bool abandoning;

    /// <param name="options">Source behaviour (validated when <see cref="RunAsync"/> starts).</param>
    /// <param name="consumerConfig">Consumer settings, already passed through
    /// <see cref="KafkaClientConfiguration.PrepareConsumer"/> (done here again, it is idempotent).</param>
    /// <param name="producerConfig">Dead-letter producer settings (prepared the same way).</param>
    /// <param name="processor">Creates one processor per assigned partition.</param>
    /// <param name="sink">Destination of accepted records; started by <see cref="RunAsync"/>.</param>
    /// <param name="metrics">Where counters and gauges go.</param>
    /// <param name="logger">Optional logger.</param>
    public KafkaSource(
        KafkaSourceOptions options,
        ConsumerConfig consumerConfig,
        ProducerConfig producerConfig,
        IRecordProcessor processor,
        IRecordSink sink,
        PipelineMetrics metrics,
        ILogger<KafkaSource>? logger = null)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.consumerConfig = KafkaClientConfiguration.PrepareConsumer(consumerConfig ?? throw new ArgumentNullException(nameof(consumerConfig)));
        if (string.IsNullOrEmpty(options.TopicPattern) && options.Topics is [var only]
            && this.consumerConfig.Get("dotnet.consumer.consume.result.fields") == KafkaClientConfiguration.DefaultConsumeResultFields)
        {
            singleTopic = only;
            this.consumerConfig.ConsumeResultFields = "timestamp";
        }

        this.producerConfig = KafkaClientConfiguration.PrepareProducer(producerConfig ?? throw new ArgumentNullException(nameof(producerConfig)), this.consumerConfig);
        this.processor = processor ?? throw new ArgumentNullException(nameof(processor));
        this.sink = sink ?? throw new ArgumentNullException(nameof(sink));
        this.metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        log = new ThrottledLog(this.logger);
        limiter = new InFlightLimiter(options.MaxInFlightBytes, options.MaxInFlightRecords, options.ResumeThreshold, options.PauseAfter, metrics);
        partitions = new AssignedPartitions(sink, limiter, metrics, log);
        acknowledger = new PartitionAcknowledger(partitions, limiter, metrics);
        sinkWriter = new SinkWriter(sink, options.SinkChannelCapacity, metrics, e => Fail(new KafkaSourceException("The sink failed: " + e.Message, e)));
    }

    /// <summary>Slabs for the message values (see <see cref="RecordBufferPool"/>); tests set small slabs.</summary>
    internal RecordBufferPool Values { get; init; } = new();

    /// <summary>Where the source is in its lifecycle.</summary>
    public KafkaSourceState State => (KafkaSourceState)state;

    /// <summary>True while consuming or waiting in the group for partitions (readiness).</summary>
    public bool IsReady => State is KafkaSourceState.Assigned or KafkaSourceState.WaitingForAssignment;

    /// <summary>Messages received from Kafka.</summary>
    public long ReceivedRecords => loop?.Received ?? 0;

    /// <summary>Records acknowledged (stored by the sink or dead-lettered); their offsets may be committed.</summary>
    public long AcknowledgedRecords => acknowledger.Acknowledged;

    /// <summary>Records produced to the dead-letter topic and acknowledged by Kafka.</summary>
    public long DeadLetteredRecords => acknowledger.DeadLettered;

    /// <summary>Bytes of records received and not yet acknowledged.</summary>
    public long InFlightBytes => limiter.Bytes;

    /// <summary>Records received and not yet acknowledged.</summary>
    public long InFlightRecords => limiter.Records;

    /// <summary>Times consumption stopped at an in-flight bound (held, and paused if that lasted
    /// <see cref="KafkaSourceOptions.PauseAfter"/>).</summary>
    public long HoldCount => limiter.HoldCount;

    /// <summary>Times consumption was paused because an in-flight bound held longer than
    /// <see cref="KafkaSourceOptions.PauseAfter"/>.</summary>
    public long PauseCount => loop?.PauseCount ?? 0;

    /// <summary>Times consumption resumed after falling below the low-water mark.</summary>
    public long ResumeCount => loop?.ResumeCount ?? 0;

    /// <summary>How the last requested stop ended; null until a stop drained (not after a crash or a fatal error).</summary>
    public KafkaSourceStopReport? StopReport { get; private set; }

    /// <summary>Partitions currently assigned to this worker.</summary>
    public int AssignedPartitionCount => partitions.Count;

    /// <summary>A snapshot of every assigned partition (offsets, pending records, lag, paused).</summary>
    public IReadOnlyList<KafkaPartitionStatus> GetPartitionStatus() =>
        partitions.Values
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            .Select(p => new KafkaPartitionStatus(p.Topic, p.Partition, p.Tracker.AcknowledgedOffset, p.Tracker.CommittedOffset,
                p.Tracker.Pending, lagProbe?.Lag(p), p.Paused))
            .ToList();

    public override string ToString() =>
        $"KafkaSource {State}: partitions={partitions.Count} received={ReceivedRecords} acknowledged={AcknowledgedRecords} " +
        $"deadLettered={DeadLetteredRecords} inFlight={InFlightRecords} records/{InFlightBytes} B paused={loop?.IsPaused ?? false} sinkQueue={sinkWriter.Queued}";

    /// <summary>Runs the source until <paramref name="stoppingToken"/> fires (then drains, commits and leaves the
    /// group) or a fatal error occurs (then throws <see cref="KafkaSourceException"/>). Call once.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            throw new InvalidOperationException("KafkaSource.RunAsync may be called only once.");
        }

        options.ValidateOrThrow();
        SetState(KafkaSourceState.Starting);
        try
        {
            await sink.StartAsync(acknowledger, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            SetState(KafkaSourceState.Stopped);
            return;
        }

        BuildClients();
        sinkWriter.Start();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stoppingToken.Register(() =>
        {
            Interlocked.CompareExchange(ref stopRequestedAt, Environment.TickCount64, 0);
            stopLoop.Cancel();
        });
        var thread = new Thread(() =>
        {
            try
            {
                RunConsumeThread();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "kafka-source",
        };
        thread.Start();
        await done.Task.ConfigureAwait(false);
    }

    /// <summary>Test hook that simulates a crash: stops at once, commits nothing, drops everything in flight.</summary>
    internal void Abandon()
    {
        abandoning = true;
        stopLoop.Cancel();
    }

    private void BuildClients()
    {
        try
        {
            valueWriter = Values.CreateWriter();
            consumer = new ConsumerBuilder<byte[]?, RecordBuffer>(consumerConfig)
                .SetValueDeserializer(new PooledValueDeserializer(valueWriter))
                .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
                .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
                .SetPartitionsLostHandler((_, lost) => OnLost(lost))
                .SetErrorHandler((_, error) => OnConsumerError(error))
                .SetLogHandler((_, message) => logger.LogDebug("librdkafka consumer {Facility}: {Message}", message.Facility, message.Message))
                .Build();
        }
        catch (ArgumentException e)
        {
            throw new KafkaConfigurationException([$"{KafkaClientConfiguration.ConsumerSection}: {e.Message}"]);
        }

        try
        {
            deadLetters = new DeadLetterProducer(options, producerConfig, metrics, log, logger, acknowledger.OnDeadLettered, Fail);
            acknowledger.DeadLetters = deadLetters;
        }
        catch (KafkaConfigurationException)
        {
            consumer.Dispose();
            throw;
        }

        committer = new OffsetCommitter(consumer, metrics, log, () => consumerFatal, error =>
        {
            consumerFatal = true;
            Fail(new KafkaSourceException($"Fatal Kafka consumer error on commit: {error.Code}: {error.Reason}"));
        });
        loop = new KafkaConsumeLoop(consumer, options, singleTopic, partitions, limiter, committer, metrics, log, logger, OnConsumerError, UpdateGauges);
    }

    private void RunConsumeThread()
    {
        try
        {
            var c = consumer!;
            if (!string.IsNullOrWhiteSpace(options.TopicPattern))
            {
                c.Subscribe("^" + options.TopicPattern.TrimStart('^'));
            }
            else
            {
                c.Subscribe(options.Topics);
            }

            logger.LogInformation("Kafka source subscribed to {Topics} as group {Group} (instance {Instance})",
                options.TopicPattern ?? string.Join(",", options.Topics), consumerConfig.GroupId, consumerConfig.GroupInstanceId ?? "-");
            lagProbe = new PartitionLagProbe(c, () => partitions.Values, consumerConfig.AutoOffsetReset, logger);
            lagProbe.Start();
            loop!.Run(stopLoop.Token);
        }
        catch (Exception e)
        {
            Fail(e as KafkaSourceException ?? new KafkaSourceException("The Kafka consume loop failed: " + e.Message, e));
        }
        finally
        {
            Shutdown();
        }

        if (fatal is { } error)
        {
            SetState(KafkaSourceState.Failed);
            throw error as KafkaSourceException ?? new KafkaSourceException(error.Message, error);
        }

        SetState(KafkaSourceState.Stopped);
        logger.LogInformation("Kafka source stopped: {Source}", this);
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        metrics.Rebalances.WithLabels("assigned").Inc();
        var deadLetterPartitions = new List<TopicPartition>();
        foreach (var tp in assigned)
        {
            if (IsDeadLetterTopic(tp.Topic))
            {
                // A topic pattern can match our own dead-letter topics; their records must not loop back
                // through the pipeline. The partition stays assigned (the group gives it to someone) but idle.
                deadLetterPartitions.Add(tp);
                continue;
            }

            AssignedPartition? p = null;
            var runner = new PartitionRunner(tp.Topic, tp.Partition.Value, processor.CreatePartitionProcessor(tp.Topic, tp.Partition.Value),
                options.MaxInFlightRecords + 1, limiter, sinkWriter, metrics, logger, (record, code, text) => acknowledger.DeadLetter(p!, record, code, text));
            p = new AssignedPartition(tp, runner, metrics.RecordsReceived.WithLabels(tp.Topic), metrics.BytesReceived.WithLabels(tp.Topic));
            partitions.Add(p);
            runner.Start();
        }

        loop!.OnAssigned(deadLetterPartitions);
        logger.LogInformation("Assigned {Count} partitions: {Partitions}", assigned.Count, string.Join(", ", assigned));
        UpdateAssignmentState();
        lagProbe?.Wake();
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        metrics.Rebalances.WithLabels("revoked").Inc();
        var list = partitions.Lookup(revoked.Select(r => r.TopicPartition));
        if (!abandoning)
        {
            // A stop requested during this drain brings its end forward to the stop's own deadline, so a revoke
            // cannot hold the shutdown past the pod's grace period.
            var revokeDeadline = Environment.TickCount64 + (long)(closing ? TimeSpan.Zero : options.RevokeDrainTimeout).TotalMilliseconds;
            var drained = partitions.Drain(list, () => Math.Min(revokeDeadline, StopDeadline()), () => fatal is not null);
            committer!.Commit(list, retryDuringRebalance: true);
            logger.LogInformation("Revoked {Count} partitions ({State}): {Partitions}", list.Count,
                drained ? "drained" : "drain timed out, unacknowledged records will be redelivered", string.Join(", ", list));
        }

        partitions.Close(list);
        UpdateAssignmentState();
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        metrics.Rebalances.WithLabels("lost").Inc();
        var list = partitions.Lookup(lost.Select(r => r.TopicPartition));
        logger.LogWarning("Lost {Count} partitions without commit (they are redelivered): {Partitions}", list.Count, string.Join(", ", list));
        partitions.Close(list);
        UpdateAssignmentState();
    }

    private bool IsDeadLetterTopic(string topic) =>
        !string.IsNullOrWhiteSpace(options.TopicPattern) &&
        (topic.EndsWith(".dlq", StringComparison.Ordinal) || string.Equals(options.DeadLetterTopic, topic, StringComparison.Ordinal));

    private void UpdateGauges()
    {
        metrics.InFlightBytes.Set(InFlightBytes);
        metrics.InFlightRecords.Set(InFlightRecords);
        metrics.ChannelDepth.WithLabels("sink").Set(sinkWriter.Queued);
        metrics.ChannelDepth.WithLabels("partition").Set(partitions.Values.Sum(p => p.Runner.Queued));
        metrics.AssignedPartitions.Set(partitions.Count);
        foreach (var p in partitions.Values)
        {
            if (lagProbe?.Lag(p) is long lag)
            {
                metrics.ConsumerLag.WithLabels(p.Topic, p.Partition.ToString(CultureInfo.InvariantCulture)).Set(lag);
            }
        }
    }

    private void UpdateAssignmentState()
    {
        metrics.AssignedPartitions.Set(partitions.Count);
        if (State is KafkaSourceState.Starting or KafkaSourceState.Assigned or KafkaSourceState.WaitingForAssignment)
        {
            SetState(partitions.IsEmpty ? KafkaSourceState.WaitingForAssignment : KafkaSourceState.Assigned);
        }
    }

    private void OnConsumerError(Error error)
    {
        if (error.IsFatal)
        {
            consumerFatal = true;
            Fail(new KafkaSourceException($"Fatal Kafka consumer error {error.Code}: {error.Reason}"));
            return;
        }

        metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, error.Code.ToString()).Inc();
        log.Log("consumer:" + error.Code, LogLevel.Warning, $"Kafka consumer error (retrying): {error.Code}: {error.Reason}");
    }

    private void Fail(Exception error)
    {
        if (Interlocked.CompareExchange(ref fatal, error, null) is null)
        {
            logger.LogCritical(error, "Kafka source stopping after a fatal error: {Reason}", error.Message);
            SetState(KafkaSourceState.Failed);
        }

        stopLoop.Cancel();
    }

    private void Shutdown()
    {
        if (fatal is null)
        {
            SetState(KafkaSourceState.Stopping);
        }

        lagProbe?.Stop(TimeSpan.Zero);
        var all = partitions.ToList();
        var drain = !abandoning && fatal is null;
        if (drain)
        {
            Interlocked.CompareExchange(ref stopRequestedAt, Environment.TickCount64, 0);
            logger.LogInformation("Kafka source draining {Records} in-flight records (up to {Timeout} from the stop request)", InFlightRecords, options.DrainTimeout);
            if (!partitions.Drain(all, StopDeadline, () => fatal is not null))
            {
                logger.LogWarning("Drain timed out with {Records} records unacknowledged; committing the acknowledged prefix, the rest is redelivered", partitions.Pending);
            }
        }

        var committed = !abandoning && committer is not null && committer.Commit(all, retryDuringRebalance: true);
        if (drain)
        {
            // Read before the partitions are closed, which forgets what was still pending.
            StopReport = new KafkaSourceStopReport(partitions.Pending, committed,
                TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref stopRequestedAt)));
        }

        closing = true;
        // The probe calls the consumer from its own task: it must be done before the consumer is closed.
        var consumerClosed = lagProbe?.Stop(TimeSpan.FromSeconds(3)) ?? true;
        if (consumer is { } c && !consumerFatal && consumerClosed)
        {
            // A close that starts while the group rebalances (another member leaving at the same moment) can
            // wait inside librdkafka for that rebalance far longer than a pod's grace period, so it is bounded.
            var close = Task.Run(c.Close);
            try
            {
                consumerClosed = close.Wait(CloseTimeout);
                if (!consumerClosed)
                {
                    logger.LogWarning("The Kafka consumer did not leave the group within {Timeout}; offsets are committed, the group drops this member by its session timeout", CloseTimeout);
                }
            }
            catch (AggregateException e) when (e.InnerException is KafkaException or ObjectDisposedException)
            {
                logger.LogWarning("Closing the Kafka consumer failed: {Reason}", e.InnerException.Message);
            }
        }

        partitions.Close(partitions.ToList());
        sinkWriter.Stop(TimeSpan.FromSeconds(5));
        deadLetters?.Close(!abandoning && fatal is null ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);

        // Disposing a consumer whose Close still runs on another thread would free it under that thread.
        if (consumerClosed)
        {
            consumer?.Dispose();
        }

        UpdateGauges();
    }

    /// <summary>When the drain after a stop request must end: <see cref="KafkaSourceOptions.DrainTimeout"/> after the
    /// request; never while no stop was requested.</summary>
    private long StopDeadline()
    {
        var at = Interlocked.Read(ref stopRequestedAt);
        return at == 0 ? long.MaxValue : at + (long)options.DrainTimeout.TotalMilliseconds;
    }

    private void SetState(KafkaSourceState value)
    {
        if (State != KafkaSourceState.Failed || value == KafkaSourceState.Failed)
        {
            state = (int)value;
        }
    }
}
