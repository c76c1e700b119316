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

    private readonly KafkaSourceOptions _options;
    private readonly ConsumerConfig _consumerConfig;

    // The one topic subscribed by name, or null. Then librdkafka's topic name is not marshaled into a string for
    // every message (the source's default result fields leave it out): every message is of this topic.
    private readonly string? _singleTopic;
    private readonly ProducerConfig _producerConfig;
    private readonly IRecordProcessor _processor;
    private readonly IRecordSink _sink;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ThrottledLog _log;
    private readonly AssignedPartitions _partitions;
    private readonly InFlightLimiter _limiter;
    private readonly SinkWriter _sinkWriter;
    private readonly PartitionAcknowledger _acknowledger;
    private readonly CancellationTokenSource _stopLoop = new();

    private RecordBufferWriter? _valueWriter;
    private IConsumer<byte[]?, RecordBuffer>? _consumer;
    private DeadLetterProducer? _deadLetters;
    private OffsetCommitter? _committer;
    private KafkaConsumeLoop? _loop;
    private PartitionLagProbe? _lagProbe;
    private int _started;

    // Environment.TickCount64 when the stop was requested (0: not yet): every drain deadline counts from the signal.
    private long _stopRequestedAt;
    private volatile int _state = (int)KafkaSourceState.Created;
    private volatile Exception? _fatal;
    private volatile bool _consumerFatal;
    private volatile bool _closing;
    private volatile bool _abandoning;

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
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _consumerConfig = KafkaClientConfiguration.PrepareConsumer(consumerConfig ?? throw new ArgumentNullException(nameof(consumerConfig)));
        if (string.IsNullOrEmpty(options.TopicPattern) && options.Topics is [var only]
            && _consumerConfig.Get("dotnet.consumer.consume.result.fields") == KafkaClientConfiguration.DefaultConsumeResultFields)
        {
            _singleTopic = only;
            _consumerConfig.ConsumeResultFields = "headers,timestamp";
        }

        _producerConfig = KafkaClientConfiguration.PrepareProducer(producerConfig ?? throw new ArgumentNullException(nameof(producerConfig)), _consumerConfig);
        _processor = processor ?? throw new ArgumentNullException(nameof(processor));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _log = new ThrottledLog(_logger);
        _limiter = new InFlightLimiter(options.MaxInFlightBytes, options.MaxInFlightRecords, options.ResumeThreshold, options.PauseAfter, metrics);
        _partitions = new AssignedPartitions(sink, _limiter, metrics, _log);
        _acknowledger = new PartitionAcknowledger(_partitions, _limiter, metrics);
        _sinkWriter = new SinkWriter(sink, options.SinkChannelCapacity, metrics, e => Fail(new KafkaSourceException("The sink failed: " + e.Message, e)));
    }

    /// <summary>Slabs for the message values (see <see cref="RecordBufferPool"/>); tests set small slabs.</summary>
    internal RecordBufferPool Values { get; init; } = new();

    /// <summary>Where the source is in its lifecycle.</summary>
    public KafkaSourceState State => (KafkaSourceState)_state;

    /// <summary>True while consuming or waiting in the group for partitions (readiness).</summary>
    public bool IsReady => State is KafkaSourceState.Assigned or KafkaSourceState.WaitingForAssignment;

    /// <summary>Messages received from Kafka.</summary>
    public long ReceivedRecords => _loop?.Received ?? 0;

    /// <summary>Records acknowledged (stored by the sink or dead-lettered); their offsets may be committed.</summary>
    public long AcknowledgedRecords => _acknowledger.Acknowledged;

    /// <summary>Records produced to the dead-letter topic and acknowledged by Kafka.</summary>
    public long DeadLetteredRecords => _acknowledger.DeadLettered;

    /// <summary>Bytes of records received and not yet acknowledged.</summary>
    public long InFlightBytes => _limiter.Bytes;

    /// <summary>Records received and not yet acknowledged.</summary>
    public long InFlightRecords => _limiter.Records;

    /// <summary>Times consumption stopped at an in-flight bound (held, and paused if that lasted
    /// <see cref="KafkaSourceOptions.PauseAfter"/>).</summary>
    public long HoldCount => _limiter.HoldCount;

    /// <summary>Times consumption was paused because an in-flight bound held longer than
    /// <see cref="KafkaSourceOptions.PauseAfter"/>.</summary>
    public long PauseCount => _loop?.PauseCount ?? 0;

    /// <summary>Times consumption resumed after falling below the low-water mark.</summary>
    public long ResumeCount => _loop?.ResumeCount ?? 0;

    /// <summary>How the last requested stop ended; null until a stop drained (not after a crash or a fatal error).</summary>
    public KafkaSourceStopReport? StopReport { get; private set; }

    /// <summary>Partitions currently assigned to this worker.</summary>
    public int AssignedPartitionCount => _partitions.Count;

    /// <summary>A snapshot of every assigned partition (offsets, pending records, lag, paused).</summary>
    public IReadOnlyList<KafkaPartitionStatus> GetPartitionStatus() =>
        _partitions.Values
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            .Select(p => new KafkaPartitionStatus(p.Topic, p.Partition, p.Tracker.AcknowledgedOffset, p.Tracker.CommittedOffset,
                p.Tracker.Pending, _lagProbe?.Lag(p), p.Paused))
            .ToList();

    public override string ToString() =>
        $"KafkaSource {State}: partitions={_partitions.Count} received={ReceivedRecords} acknowledged={AcknowledgedRecords} " +
        $"deadLettered={DeadLetteredRecords} inFlight={InFlightRecords} records/{InFlightBytes} B paused={_loop?.IsPaused ?? false} sinkQueue={_sinkWriter.Queued}";

    /// <summary>Runs the source until <paramref name="stoppingToken"/> fires (then drains, commits and leaves the
    /// group) or a fatal error occurs (then throws <see cref="KafkaSourceException"/>). Call once.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("KafkaSource.RunAsync may be called only once.");
        }

        _options.ValidateOrThrow();
        SetState(KafkaSourceState.Starting);
        try
        {
            await _sink.StartAsync(new BatchAcknowledger(_acknowledger), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            SetState(KafkaSourceState.Stopped);
            return;
        }

        BuildClients();
        _sinkWriter.Start();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stoppingToken.Register(() =>
        {
            Interlocked.CompareExchange(ref _stopRequestedAt, Environment.TickCount64, 0);
            _stopLoop.Cancel();
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
        _abandoning = true;
        _stopLoop.Cancel();
    }

    private void BuildClients()
    {
        try
        {
            _valueWriter = Values.CreateWriter();
            _consumer = new ConsumerBuilder<byte[]?, RecordBuffer>(_consumerConfig)
                .SetValueDeserializer(new PooledValueDeserializer(_valueWriter))
                .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
                .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
                .SetPartitionsLostHandler((_, lost) => OnLost(lost))
                .SetErrorHandler((_, error) => OnConsumerError(error))
                .SetLogHandler((_, message) => _logger.LogDebug("librdkafka consumer {Facility}: {Message}", message.Facility, message.Message))
                .Build();
        }
        catch (ArgumentException e)
        {
            throw new KafkaConfigurationException([$"{KafkaClientConfiguration.ConsumerSection}: {e.Message}"]);
        }

        try
        {
            _deadLetters = new DeadLetterProducer(_options, _producerConfig, _metrics, _log, _logger, _acknowledger.OnDeadLettered, Fail);
            _acknowledger.DeadLetters = _deadLetters;
        }
        catch (KafkaConfigurationException)
        {
            _consumer.Dispose();
            throw;
        }

        _committer = new OffsetCommitter(_consumer, _metrics, _log, () => _consumerFatal, error =>
        {
            _consumerFatal = true;
            Fail(new KafkaSourceException($"Fatal Kafka consumer error on commit: {error.Code}: {error.Reason}"));
        });
        _loop = new KafkaConsumeLoop(_consumer, _options, _singleTopic, _partitions, _limiter, _committer, _metrics, _log, _logger, OnConsumerError, UpdateGauges);
    }

    private void RunConsumeThread()
    {
        try
        {
            var c = _consumer!;
            if (!string.IsNullOrWhiteSpace(_options.TopicPattern))
            {
                c.Subscribe("^" + _options.TopicPattern.TrimStart('^'));
            }
            else
            {
                c.Subscribe(_options.Topics);
            }

            _logger.LogInformation("Kafka source subscribed to {Topics} as group {Group} (instance {Instance})",
                _options.TopicPattern ?? string.Join(",", _options.Topics), _consumerConfig.GroupId, _consumerConfig.GroupInstanceId ?? "-");
            _lagProbe = new PartitionLagProbe(c, () => _partitions.Values, _consumerConfig.AutoOffsetReset, _logger);
            _lagProbe.Start();
            _loop!.Run(_stopLoop.Token);
        }
        catch (Exception e)
        {
            Fail(e as KafkaSourceException ?? new KafkaSourceException("The Kafka consume loop failed: " + e.Message, e));
        }
        finally
        {
            Shutdown();
        }

        if (_fatal is { } error)
        {
            SetState(KafkaSourceState.Failed);
            throw error as KafkaSourceException ?? new KafkaSourceException(error.Message, error);
        }

        SetState(KafkaSourceState.Stopped);
        _logger.LogInformation("Kafka source stopped: {Source}", this);
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        _metrics.Rebalances.WithLabels("assigned").Inc();
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
            var runner = new PartitionRunner(tp.Topic, tp.Partition.Value, _processor.CreatePartitionProcessor(tp.Topic, tp.Partition.Value),
                _options.MaxInFlightRecords + 1, _limiter, _sinkWriter, _metrics, _logger, (record, code, text) => _acknowledger.DeadLetter(p!, record, code, text));
            p = new AssignedPartition(tp, runner, _metrics.RecordsReceived.WithLabels(tp.Topic), _metrics.BytesReceived.WithLabels(tp.Topic));
            _partitions.Add(p);
            runner.Start();
        }

        _loop!.OnAssigned(deadLetterPartitions);
        _logger.LogInformation("Assigned {Count} partitions: {Partitions}", assigned.Count, string.Join(", ", assigned));
        UpdateAssignmentState();
        _lagProbe?.Wake();
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        _metrics.Rebalances.WithLabels("revoked").Inc();
        var list = _partitions.Lookup(revoked.Select(r => r.TopicPartition));
        if (!_abandoning)
        {
            // A stop requested during this drain brings its end forward to the stop's own deadline, so a revoke
            // cannot hold the shutdown past the pod's grace period.
            var revokeDeadline = Environment.TickCount64 + (long)(_closing ? TimeSpan.Zero : _options.RevokeDrainTimeout).TotalMilliseconds;
            var drained = _partitions.Drain(list, () => Math.Min(revokeDeadline, StopDeadline()), () => _fatal is not null);
            _committer!.Commit(list, retryDuringRebalance: true);
            _logger.LogInformation("Revoked {Count} partitions ({State}): {Partitions}", list.Count,
                drained ? "drained" : "drain timed out, unacknowledged records will be redelivered", string.Join(", ", list));
        }

        _partitions.Close(list);
        UpdateAssignmentState();
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        _metrics.Rebalances.WithLabels("lost").Inc();
        var list = _partitions.Lookup(lost.Select(r => r.TopicPartition));
        _logger.LogWarning("Lost {Count} partitions without commit (they are redelivered): {Partitions}", list.Count, string.Join(", ", list));
        _partitions.Close(list);
        UpdateAssignmentState();
    }

    private bool IsDeadLetterTopic(string topic) =>
        !string.IsNullOrWhiteSpace(_options.TopicPattern) &&
        (topic.EndsWith(".dlq", StringComparison.Ordinal) || string.Equals(_options.DeadLetterTopic, topic, StringComparison.Ordinal));

    private void UpdateGauges()
    {
        _metrics.InFlightBytes.Set(InFlightBytes);
        _metrics.InFlightRecords.Set(InFlightRecords);
        _metrics.ChannelDepth.WithLabels("sink").Set(_sinkWriter.Queued);
        _metrics.ChannelDepth.WithLabels("partition").Set(_partitions.Values.Sum(p => p.Runner.Queued));
        _metrics.AssignedPartitions.Set(_partitions.Count);
        foreach (var p in _partitions.Values)
        {
            if (_lagProbe?.Lag(p) is long lag)
            {
                _metrics.ConsumerLag.WithLabels(p.Topic, p.Partition.ToString(CultureInfo.InvariantCulture)).Set(lag);
            }
        }
    }

    private void UpdateAssignmentState()
    {
        _metrics.AssignedPartitions.Set(_partitions.Count);
        if (State is KafkaSourceState.Starting or KafkaSourceState.Assigned or KafkaSourceState.WaitingForAssignment)
        {
            SetState(_partitions.IsEmpty ? KafkaSourceState.WaitingForAssignment : KafkaSourceState.Assigned);
        }
    }

    private void OnConsumerError(Error error)
    {
        if (error.IsFatal)
        {
            _consumerFatal = true;
            Fail(new KafkaSourceException($"Fatal Kafka consumer error {error.Code}: {error.Reason}"));
            return;
        }

        _metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, error.Code.ToString()).Inc();
        _log.Log("consumer:" + error.Code, LogLevel.Warning, $"Kafka consumer error (retrying): {error.Code}: {error.Reason}");
    }

    private void Fail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _fatal, error, null) is null)
        {
            _logger.LogCritical(error, "Kafka source stopping after a fatal error: {Reason}", error.Message);
            SetState(KafkaSourceState.Failed);
        }

        _stopLoop.Cancel();
    }

    private void Shutdown()
    {
        if (_fatal is null)
        {
            SetState(KafkaSourceState.Stopping);
        }

        _lagProbe?.Stop(TimeSpan.Zero);
        var all = _partitions.ToList();
        var drain = !_abandoning && _fatal is null;
        if (drain)
        {
            Interlocked.CompareExchange(ref _stopRequestedAt, Environment.TickCount64, 0);
            _logger.LogInformation("Kafka source draining {Records} in-flight records (up to {Timeout} from the stop request)", InFlightRecords, _options.DrainTimeout);
            if (!_partitions.Drain(all, StopDeadline, () => _fatal is not null))
            {
                _logger.LogWarning("Drain timed out with {Records} records unacknowledged; committing the acknowledged prefix, the rest is redelivered", _partitions.Pending);
            }
        }

        var committed = !_abandoning && _committer is not null && _committer.Commit(all, retryDuringRebalance: true);
        if (drain)
        {
            // Read before the partitions are closed, which forgets what was still pending.
            StopReport = new KafkaSourceStopReport(_partitions.Pending, committed,
                TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _stopRequestedAt)));
        }

        _closing = true;
        // The probe calls the consumer from its own task: it must be done before the consumer is closed.
        var consumerClosed = _lagProbe?.Stop(TimeSpan.FromSeconds(3)) ?? true;
        if (_consumer is { } c && !_consumerFatal && consumerClosed)
        {
            // A close that starts while the group rebalances (another member leaving at the same moment) can
            // wait inside librdkafka for that rebalance far longer than a pod's grace period, so it is bounded.
            var close = Task.Run(c.Close);
            try
            {
                consumerClosed = close.Wait(CloseTimeout);
                if (!consumerClosed)
                {
                    _logger.LogWarning("The Kafka consumer did not leave the group within {Timeout}; offsets are committed, the group drops this member by its session timeout", CloseTimeout);
                }
            }
            catch (AggregateException e) when (e.InnerException is KafkaException or ObjectDisposedException)
            {
                _logger.LogWarning("Closing the Kafka consumer failed: {Reason}", e.InnerException.Message);
            }
        }

        _partitions.Close(_partitions.ToList());
        _sinkWriter.Stop(TimeSpan.FromSeconds(5));
        _deadLetters?.Close(!_abandoning && _fatal is null ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);

        // Disposing a consumer whose Close still runs on another thread would free it under that thread.
        if (consumerClosed)
        {
            _consumer?.Dispose();
        }

        UpdateGauges();
    }

    /// <summary>When the drain after a stop request must end: <see cref="KafkaSourceOptions.DrainTimeout"/> after the
    /// request; never while no stop was requested.</summary>
    private long StopDeadline()
    {
        var at = Interlocked.Read(ref _stopRequestedAt);
        return at == 0 ? long.MaxValue : at + (long)_options.DrainTimeout.TotalMilliseconds;
    }

    private void SetState(KafkaSourceState value)
    {
        if (State != KafkaSourceState.Failed || value == KafkaSourceState.Failed)
        {
            _state = (int)value;
        }
    }
}
