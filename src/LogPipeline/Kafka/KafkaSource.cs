using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipeline.Kafka;

/// <summary>Consumes Kafka topics into a sink with at-least-once delivery: an offset is committed only when
/// every record up to it was acknowledged by the sink or by the dead-letter topic.
/// <para>Flow: one long-running consume thread → per-partition bounded queue → that partition's
/// <see cref="IPartitionProcessor"/> (offset order, partitions in parallel) → one bounded queue → one
/// writer calling <see cref="IRecordSink.WriteAsync"/>. Rejected records go to the dead-letter producer
/// (idempotent, acks=all). Acknowledgements feed a <see cref="PartitionOffsetTracker"/> per partition;
/// the contiguous acknowledged prefix is committed every <see cref="KafkaSourceOptions.CommitInterval"/>,
/// on revoke and on shutdown.</para>
/// <para>Hosting: construct it once and await <see cref="RunAsync"/> from <c>BackgroundService.ExecuteAsync</c>
/// with the stopping token. When the token fires the source stops consuming, flushes the sink, waits up to
/// <see cref="KafkaSourceOptions.DrainTimeout"/> for acknowledgements, commits the acknowledged prefix,
/// closes the consumer (the group rebalances at once) and returns. It throws
/// <see cref="KafkaSourceException"/> on a fatal error, so the host exits non-zero. Keep the host's
/// shutdown timeout above the drain timeout. <see cref="State"/> and <see cref="IsReady"/> serve the
/// readiness probe. The source starts the sink but does not dispose it.</para></summary>
public sealed class KafkaSource
{
    private static readonly TimeSpan GaugeInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long shutdown waits for the consumer to leave the group. Offsets are committed before, so
    /// a close that outlasts this loses nothing: the group notices the member gone by its session timeout.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);
    private const int MaxReasonTextLength = 1000;

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
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionPipeline> partitions = new();
    private readonly Channel<(PartitionPipeline Partition, PipelineRecord Record)> toSink;
    private readonly ConcurrentDictionary<string, long> lastLogged = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopLoop = new();
    private readonly CancellationTokenSource stopWriter = new();

    private RecordBufferWriter? valueWriter;
    private IConsumer<byte[]?, RecordBuffer>? consumer;
    private IProducer<byte[]?, byte[]>? producer;
    private PartitionLagProbe? lagProbe;
    private long inFlightBytes;
    private long inFlightRecords;
    private long received;
    private long acknowledged;
    private long deadLettered;
    private long pauses;
    private long resumes;
    private long holds;
    private long heldSince;
    private volatile bool waitingForRoom;
    private readonly ManualResetEventSlim room = new(false);
    private int started;
    private volatile int state = (int)KafkaSourceState.Created;
    private volatile Exception? fatal;
    private volatile bool consumerFatal;
    private volatile bool closing;
    private volatile bool abandoning;
    private volatile bool producerClosed;
    private bool paused;
    private volatile bool assignmentChanged;
    private readonly List<TopicPartition> ignored = [];

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
        toSink = Channel.CreateBounded<(PartitionPipeline, PipelineRecord)>(new BoundedChannelOptions(Math.Max(1, options.SinkChannelCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Slabs for the message values (see <see cref="RecordBufferPool"/>); tests set small slabs.</summary>
    internal RecordBufferPool Values { get; init; } = new();

    /// <summary>Where the source is in its lifecycle.</summary>
    public KafkaSourceState State => (KafkaSourceState)state;

    /// <summary>True while consuming or waiting in the group for partitions (readiness).</summary>
    public bool IsReady => State is KafkaSourceState.Assigned or KafkaSourceState.WaitingForAssignment;

    /// <summary>Messages received from Kafka.</summary>
    public long ReceivedRecords => Interlocked.Read(ref received);

    /// <summary>Records acknowledged (stored by the sink or dead-lettered); their offsets may be committed.</summary>
    public long AcknowledgedRecords => Interlocked.Read(ref acknowledged);

    /// <summary>Records produced to the dead-letter topic and acknowledged by Kafka.</summary>
    public long DeadLetteredRecords => Interlocked.Read(ref deadLettered);

    /// <summary>Bytes of records received and not yet acknowledged.</summary>
    public long InFlightBytes => Interlocked.Read(ref inFlightBytes);

    /// <summary>Records received and not yet acknowledged.</summary>
    public long InFlightRecords => Interlocked.Read(ref inFlightRecords);

    /// <summary>Times consumption stopped at an in-flight bound (held, and paused if that lasted
    /// <see cref="KafkaSourceOptions.PauseAfter"/>).</summary>
    public long HoldCount => Interlocked.Read(ref holds);

    /// <summary>Times consumption was paused because an in-flight bound held longer than
    /// <see cref="KafkaSourceOptions.PauseAfter"/>.</summary>
    public long PauseCount => Interlocked.Read(ref pauses);

    /// <summary>Times consumption resumed after falling below the low-water mark.</summary>
    public long ResumeCount => Interlocked.Read(ref resumes);

    /// <summary>Partitions currently assigned to this worker.</summary>
    public int AssignedPartitionCount => partitions.Count;

    /// <summary>A snapshot of every assigned partition (offsets, pending records, lag, paused).</summary>
    public IReadOnlyList<KafkaPartitionStatus> GetPartitionStatus() =>
        partitions.Values
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            .Select(p => new KafkaPartitionStatus(p.Topic, p.Partition, p.Tracker.AcknowledgedOffset, p.Tracker.CommittedOffset,
                p.Tracker.Pending, Lag(p), p.Paused))
            .ToList();

    public override string ToString() =>
        $"KafkaSource {State}: partitions={partitions.Count} received={ReceivedRecords} acknowledged={AcknowledgedRecords} " +
        $"deadLettered={DeadLetteredRecords} inFlight={InFlightRecords} records/{InFlightBytes} B paused={paused} sinkQueue={toSink.Reader.Count}";

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
            await sink.StartAsync(new Acknowledger(this), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            SetState(KafkaSourceState.Stopped);
            return;
        }

        BuildClients();
        var writer = Task.Run(RunSinkWriterAsync, CancellationToken.None);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stoppingToken.Register(() => stopLoop.Cancel());
        var thread = new Thread(() =>
        {
            try
            {
                RunConsumeThread(writer);
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
            producer = new ProducerBuilder<byte[]?, byte[]>(producerConfig)
                .SetErrorHandler((_, error) => OnProducerError(error))
                .SetLogHandler((_, message) => logger.LogDebug("librdkafka dead-letter producer {Facility}: {Message}", message.Facility, message.Message))
                .Build();
        }
        catch (ArgumentException e)
        {
            consumer.Dispose();
            throw new KafkaConfigurationException([$"{KafkaClientConfiguration.ProducerSection}: {e.Message}"]);
        }
    }

    private void RunConsumeThread(Task writer)
    {
        try
        {
            ConsumeLoop();
        }
        catch (Exception e)
        {
            Fail(e as KafkaSourceException ?? new KafkaSourceException("The Kafka consume loop failed: " + e.Message, e));
        }
        finally
        {
            Shutdown(writer);
        }

        if (fatal is { } error)
        {
            SetState(KafkaSourceState.Failed);
            throw error as KafkaSourceException ?? new KafkaSourceException(error.Message, error);
        }

        SetState(KafkaSourceState.Stopped);
        logger.LogInformation("Kafka source stopped: {Source}", this);
    }

    private void ConsumeLoop()
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
        var token = stopLoop.Token;
        var now = Environment.TickCount64;
        var nextCommit = now + (long)options.CommitInterval.TotalMilliseconds;
        var nextGauges = now;
        PartitionPipeline? last = null;
        while (!token.IsCancellationRequested)
        {
            if (ApplyBackpressure())
            {
                try
                {
                    var result = c.Consume(options.PollTimeout);
                    if (result?.Message is { } message)
                    {
                        // Not result.TopicPartitionOffset: that getter allocates a new object on every call.
                        Receive(result.Topic ?? singleTopic, result.Partition.Value, result.Offset.Value, message.Key, message.Value, message.Timestamp, ref last);
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
                    LogThrottled("consumer:" + e.Error.Code, LogLevel.Warning, $"Kafka message not deserialized ({e.Error.Reason}); using its raw bytes");
                    Receive(e.ConsumerRecord.Topic ?? singleTopic, e.ConsumerRecord.Partition.Value, e.ConsumerRecord.Offset.Value, raw.Key,
                        new RecordBuffer(raw.Value ?? [], null), raw.Timestamp, ref last);
                }
                catch (ConsumeException e)
                {
                    OnConsumerError(e.Error);
                }
            }
            else
            {
                // Held at the in-flight bound: librdkafka keeps its prefetched records for when room is made.
                WaitForRoom(token);
            }

            now = Environment.TickCount64;
            if (now >= nextCommit)
            {
                Commit(partitions.Values.ToList(), retryDuringRebalance: false);
                nextCommit = now + (long)options.CommitInterval.TotalMilliseconds;
            }

            if (now >= nextGauges)
            {
                UpdateGauges();
                nextGauges = now + (long)GaugeInterval.TotalMilliseconds;
            }
        }
    }

    private void Receive(string? topic, int partition, long offset, byte[]? key, RecordBuffer value, Timestamp timestamp, ref PartitionPipeline? last)
    {
        // The cached pipeline may belong to an earlier assignment of this partition (revoked or lost, then
        // assigned again): its records must go to the current pipeline, or they would be skipped and a later
        // commit would pass them. So a closed cached pipeline is looked up again, never trusted.
        if (last is null || last.Cancellation.IsCancellationRequested || last.Partition != partition
            || !string.Equals(last.Topic, topic, StringComparison.Ordinal))
        {
            last = topic is null ? null : partitions.GetValueOrDefault((topic, partition));
        }

        if (last is null || last.Cancellation.IsCancellationRequested)
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
        };
        if (!last.Tracker.Track(record))
        {
            record.ReleaseBuffers();
            return;
        }

        // Reserve room for the document too (about the size of the value), so the byte bound holds while the
        // processors work; the difference is settled when the record is processed.
        Interlocked.Add(ref inFlightBytes, record.SizeBytes + record.Value.Length);
        Interlocked.Increment(ref inFlightRecords);
        Interlocked.Increment(ref received);
        last.ReceivedCounter.Inc();
        last.BytesCounter.Inc(record.Value.Length);
        if (!last.Input.Writer.TryWrite(record))
        {
            // Only reachable past the in-flight bounds (the queue holds MaxInFlightRecords); the partition is
            // paused by then, so this waits for at most the records fetched before the pause took effect.
            try
            {
                last.Input.Writer.WriteAsync(record, stopLoop.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                // Never processed, so never acknowledged: the commit stops before it and it is redelivered.
                Interlocked.Add(ref inFlightBytes, -record.Value.Length);
                record.ReleaseBuffers();
            }
        }
    }

    private async Task RunPartitionAsync(PartitionPipeline p)
    {
        var token = p.Cancellation.Token;
        var reader = p.Input.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                // A record taken from the queue is always processed, so the byte reservation is always settled.
                while (!token.IsCancellationRequested && reader.TryRead(out var record))
                {
                    ProcessResult result;
                    try
                    {
                        result = p.Processor.Process(record);
                    }
                    catch (Exception e)
                    {
                        metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Processing, "processor_exception").Inc();
                        result = ProcessResult.Rejected("processor_exception", e.GetType().Name + ": " + e.Message);
                    }

                    // Settle the reservation made on receipt: from now on exactly SizeBytes is in flight.
                    Interlocked.Add(ref inFlightBytes, record.Document.Length - record.Value.Length);

                    if (result.Accepted)
                    {
                        metrics.RecordsEnriched.Inc();
                        if (!toSink.Writer.TryWrite((p, record)))
                        {
                            try
                            {
                                await toSink.Writer.WriteAsync((p, record), token).ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
                            {
                                // The partition closed meanwhile; the record is redelivered to its next owner.
                                record.ReleaseBuffers();
                                throw;
                            }
                        }
                    }
                    else
                    {
                        var code = result.ReasonCode ?? "rejected";
                        metrics.RecordsRejected.WithLabels(code).Inc();
                        DeadLetter(p, record, code, result.ReasonText ?? code);
                        record.ReleaseBuffers();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
        finally
        {
            try
            {
                p.Processor.Dispose();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Disposing the processor of {Topic}[{Partition}] failed", p.Topic, p.Partition);
            }
        }
    }

    private async Task RunSinkWriterAsync()
    {
        var token = stopWriter.Token;
        var reader = toSink.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    // A revoked or lost partition's records are redelivered to its new owner; skip them.
                    if (item.Partition.Cancellation.IsCancellationRequested)
                    {
                        item.Record.ReleaseBuffers();
                        continue;
                    }

                    await sink.WriteAsync(item.Record, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "sink_write").Inc();
            Fail(new KafkaSourceException("The sink failed: " + e.Message, e));
        }
    }

    // The sink reports a record's fate as its last use of it, so its pooled bytes go back here.
    private void OnAcknowledged(PipelineRecord record)
    {
        if (partitions.TryGetValue((record.Origin.Topic, record.Origin.Partition), out var p) && p.Tracker.Complete(record))
        {
            Release(record);
            Interlocked.Increment(ref acknowledged);
            metrics.RecordsAcknowledged.Inc();
        }

        record.ReleaseBuffers();
    }

    private void OnSinkRejected(PipelineRecord record, string reasonCode, string reasonText)
    {
        if (partitions.TryGetValue((record.Origin.Topic, record.Origin.Partition), out var p) && !p.Tracker.IsClosed)
        {
            DeadLetter(p, record, reasonCode, reasonText);
        }

        record.ReleaseBuffers();
    }

    private void DeadLetter(PartitionPipeline p, PipelineRecord record, string reasonCode, string reasonText)
    {
        var value = MemoryMarshal.TryGetArray(record.Value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : record.Value.ToArray();
        var headers = new Headers
        {
            { DeadLetterHeaders.OriginTopic, Encoding.UTF8.GetBytes(record.Origin.Topic) },
            { DeadLetterHeaders.OriginPartition, Encoding.UTF8.GetBytes(record.Origin.Partition.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.OriginOffset, Encoding.UTF8.GetBytes(record.Origin.Offset.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.OriginTimestamp, Encoding.UTF8.GetBytes(record.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.ReasonCode, Encoding.UTF8.GetBytes(reasonCode) },
            { DeadLetterHeaders.ReasonText, Encoding.UTF8.GetBytes(reasonText.Length > MaxReasonTextLength ? reasonText[..MaxReasonTextLength] : reasonText) },
            { DeadLetterHeaders.Time, Encoding.UTF8.GetBytes(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)) },
        };
        var message = new Message<byte[]?, byte[]> { Key = record.Key, Value = value, Headers = headers };
        ProduceDeadLetter(new DeadLetterItem(p, record, options.DeadLetterTopicFor(record.Origin.Topic), message, reasonCode));
    }

    private void ProduceDeadLetter(DeadLetterItem item)
    {
        // A revoked or lost partition's record is redelivered to the new owner, which dead-letters it again.
        if (item.Partition.Tracker.IsClosed || producerClosed)
        {
            return;
        }

        try
        {
            producer!.Produce(item.Topic, item.Message, report => OnDeadLetterDelivered(item, report));
        }
        catch (ProduceException<byte[]?, byte[]> e)
        {
            OnDeadLetterFailed(item, e.Error);
        }
        catch (KafkaException e)
        {
            OnDeadLetterFailed(item, e.Error);
        }
        catch (ObjectDisposedException)
        {
            // Shut down meanwhile; the record was not committed and comes back on restart.
        }
    }

    private void OnDeadLetterDelivered(DeadLetterItem item, DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            OnDeadLetterFailed(item, report.Error);
            return;
        }

        if (item.Partition.Tracker.Complete(item.Record))
        {
            Release(item.Record);
            Interlocked.Increment(ref deadLettered);
            Interlocked.Increment(ref acknowledged);
            metrics.RecordsDeadLettered.WithLabels(item.ReasonCode).Inc();
            metrics.RecordsAcknowledged.Inc();
        }
    }

    private void OnDeadLetterFailed(DeadLetterItem item, Error error)
    {
        metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "dead_letter_" + error.Code).Inc();
        if (error.IsFatal)
        {
            Fail(new KafkaSourceException($"Fatal error of the dead-letter producer: {error.Code}: {error.Reason}"));
            return;
        }

        if (error.Code == ErrorCode.MsgSizeTooLarge && !item.Truncated)
        {
            item = Truncate(item);
        }

        LogThrottled("dlq:" + error.Code, LogLevel.Warning,
            $"Dead-letter produce to {item.Topic} failed ({error.Code}: {error.Reason}); retrying every {options.DeadLetterRetryBackoff.TotalSeconds:0.###} s");
        metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "dead_letter").Inc();
        _ = Task.Delay(options.DeadLetterRetryBackoff).ContinueWith(_ => ProduceDeadLetter(item), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>A record bigger than the producer may send cannot be dead-lettered whole; keep its start and
    /// say so, rather than blocking the partition's commits forever.</summary>
    private DeadLetterItem Truncate(DeadLetterItem item)
    {
        var limit = Math.Max(1024, (producerConfig.MessageMaxBytes ?? 1_000_000) - 64 * 1024);
        var value = item.Message.Value;
        var headers = new Headers();
        foreach (var h in item.Message.Headers)
        {
            headers.Add(h.Key, h.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.OriginalValueLength, Encoding.UTF8.GetBytes(value.Length.ToString(CultureInfo.InvariantCulture)));
        var message = new Message<byte[]?, byte[]> { Key = item.Message.Key, Value = value.AsSpan(0, Math.Min(limit, value.Length)).ToArray(), Headers = headers };
        return item with { Message = message, Truncated = true };
    }

    private void Release(PipelineRecord record)
    {
        var bytes = Interlocked.Add(ref inFlightBytes, -record.SizeBytes);
        var records = Interlocked.Decrement(ref inFlightRecords);
        if (waitingForRoom && bytes < options.MaxInFlightBytes && records < options.MaxInFlightRecords)
        {
            room.Set();
        }
    }

    private bool AtBound() =>
        Interlocked.Read(ref inFlightBytes) >= options.MaxInFlightBytes || Interlocked.Read(ref inFlightRecords) >= options.MaxInFlightRecords;

    /// <summary>Blocks the consume thread until an acknowledgement brings the source under its bounds, for at most
    /// a short while (so commits, gauges and the pause deadline are still looked after).</summary>
    private void WaitForRoom(CancellationToken token)
    {
        room.Reset();
        waitingForRoom = true;
        try
        {
            // Checked after the flag is up, so a release between the caller's check and here is not missed.
            if (AtBound())
            {
                room.Wait(50, token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            waitingForRoom = false;
        }
    }

    /// <summary>Decides whether the consume loop may take a record now. At an in-flight bound it holds (returns
    /// false) for up to <see cref="KafkaSourceOptions.PauseAfter"/>, then pauses every partition and consumes again
    /// (nothing arrives from paused partitions, but rebalance callbacks are served) until both bounds fall below
    /// <see cref="KafkaSourceOptions.ResumeThreshold"/>.</summary>
    private bool ApplyBackpressure()
    {
        if (assignmentChanged)
        {
            assignmentChanged = false;
            SettleFreshPartitions();
        }

        var bytes = Interlocked.Read(ref inFlightBytes);
        var records = Interlocked.Read(ref inFlightRecords);
        if (paused)
        {
            if (bytes < options.MaxInFlightBytes * options.ResumeThreshold && records < options.MaxInFlightRecords * options.ResumeThreshold)
            {
                paused = false;
                Interlocked.Increment(ref resumes);
                EndHold(Environment.TickCount64);

                var list = partitions.Values.Where(p => p.Paused).ToList();
                foreach (var p in list)
                {
                    p.Paused = false;
                }

                TryPauseResume(list.Select(p => p.TopicPartition).ToList(), pause: false);
                logger.LogDebug("Resuming {Count} partitions: {Records} records / {Bytes} bytes in flight", list.Count, records, bytes);
                metrics.PausedPartitions.Set(0);
            }

            return true;
        }

        var now = Environment.TickCount64;
        if (bytes < options.MaxInFlightBytes && records < options.MaxInFlightRecords)
        {
            EndHold(now);
            return true;
        }

        if (heldSince == 0)
        {
            heldSince = now;
            Interlocked.Increment(ref holds);
        }

        if (now - heldSince < (long)options.PauseAfter.TotalMilliseconds)
        {
            return false;
        }

        // Held too long: pause, so that the loop can consume again and serve rebalances. The time paused counts
        // as backpressure too: heldSince runs on until the resume.
        paused = true;
        Interlocked.Increment(ref pauses);
        logger.LogDebug("Pausing {Count} partitions: {Records} records / {Bytes} bytes in flight (limits {MaxRecords} / {MaxBytes})",
            partitions.Count, records, bytes, options.MaxInFlightRecords, options.MaxInFlightBytes);
        PauseAssigned();
        return true;
    }

    private void EndHold(long now)
    {
        if (heldSince != 0)
        {
            metrics.BackpressureSeconds.Inc((now - heldSince) / 1000.0);
            heldSince = 0;
        }
    }

    /// <summary>librdkafka keeps a partition's pause flag across revoke and re-assignment, so a partition paused
    /// before a rebalance would come back paused for good: bring every new partition to the current state.</summary>
    private void SettleFreshPartitions()
    {
        if (ignored.Count > 0)
        {
            logger.LogInformation("Not consuming dead-letter partitions matched by the topic pattern: {Partitions}", string.Join(", ", ignored));
            TryPauseResume(ignored.ToList(), pause: true);
            ignored.Clear();
        }

        var fresh = partitions.Values.Where(p => p.Fresh && !p.Cancellation.IsCancellationRequested).ToList();
        foreach (var p in fresh)
        {
            p.Fresh = false;
        }

        if (paused)
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
            if (!p.Paused && !p.Cancellation.IsCancellationRequested)
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
                consumer!.Pause(list);
            }
            else
            {
                consumer!.Resume(list);
            }
        }
        catch (KafkaException e)
        {
            metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, pause ? "pause" : "resume").Inc();
            LogThrottled("pause", LogLevel.Warning, $"{(pause ? "Pause" : "Resume")} of {list.Count} partitions failed: {e.Error.Reason}");
        }
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        metrics.Rebalances.WithLabels("assigned").Inc();
        foreach (var tp in assigned)
        {
            if (IsDeadLetterTopic(tp.Topic))
            {
                // A topic pattern can match our own dead-letter topics; their records must not loop back
                // through the pipeline. The partition stays assigned (the group gives it to someone) but idle.
                ignored.Add(tp);
                continue;
            }

            var p = new PartitionPipeline(tp, processor.CreatePartitionProcessor(tp.Topic, tp.Partition.Value), options.MaxInFlightRecords + 1)
            {
                ReceivedCounter = metrics.RecordsReceived.WithLabels(tp.Topic),
                BytesCounter = metrics.BytesReceived.WithLabels(tp.Topic),
            };
            if (partitions.TryRemove((tp.Topic, tp.Partition.Value), out var stale))
            {
                CloseAll([stale]);
            }

            partitions[(tp.Topic, tp.Partition.Value)] = p;
            p.Worker = Task.Run(() => RunPartitionAsync(p), CancellationToken.None);
        }

        assignmentChanged = true;
        logger.LogInformation("Assigned {Count} partitions: {Partitions}", assigned.Count, string.Join(", ", assigned));
        UpdateAssignmentState();
        lagProbe?.Wake();
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        metrics.Rebalances.WithLabels("revoked").Inc();
        var list = Lookup(revoked.Select(r => r.TopicPartition));
        if (!abandoning)
        {
            var timeout = closing ? TimeSpan.Zero : options.RevokeDrainTimeout;
            var drained = Drain(list, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
            Commit(list, retryDuringRebalance: true);
            logger.LogInformation("Revoked {Count} partitions ({State}): {Partitions}", list.Count,
                drained ? "drained" : "drain timed out, unacknowledged records will be redelivered", string.Join(", ", list));
        }

        CloseAll(list);
        UpdateAssignmentState();
    }

    private void OnLost(List<TopicPartitionOffset> lost)
    {
        metrics.Rebalances.WithLabels("lost").Inc();
        var list = Lookup(lost.Select(r => r.TopicPartition));
        logger.LogWarning("Lost {Count} partitions without commit (they are redelivered): {Partitions}", list.Count, string.Join(", ", list));
        CloseAll(list);
        UpdateAssignmentState();
    }

    private bool IsDeadLetterTopic(string topic) =>
        !string.IsNullOrWhiteSpace(options.TopicPattern) &&
        (topic.EndsWith(".dlq", StringComparison.Ordinal) || string.Equals(options.DeadLetterTopic, topic, StringComparison.Ordinal));

    private List<PartitionPipeline> Lookup(IEnumerable<TopicPartition> tps)
    {
        var list = new List<PartitionPipeline>();
        foreach (var tp in tps)
        {
            if (partitions.TryGetValue((tp.Topic, tp.Partition.Value), out var p))
            {
                list.Add(p);
            }
        }

        return list;
    }

    /// <summary>Stops taking records of <paramref name="list"/>, lets their queued records through the processor,
    /// and flushes the sink until they are all acknowledged or <paramref name="deadline"/> passes.</summary>
    private bool Drain(List<PartitionPipeline> list, long deadline)
    {
        foreach (var p in list)
        {
            p.Input.Writer.TryComplete();
        }

        var remaining = deadline - Environment.TickCount64;
        if (remaining > 0)
        {
            try
            {
                Task.WaitAll(list.Select(p => p.Worker).ToArray(), TimeSpan.FromMilliseconds(remaining));
            }
            catch (AggregateException)
            {
                // The workers catch their own errors; a failure here only ends the wait.
            }
        }

        while (list.Any(p => p.Tracker.Pending > 0) && (remaining = deadline - Environment.TickCount64) > 0 && fatal is null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(remaining));
            try
            {
                sink.FlushAsync(cts.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "sink_flush").Inc();
                LogThrottled("flush", LogLevel.Warning, "Sink flush failed while draining: " + e.Message);
            }

            // Records still queued for the writer, or dead-letter acknowledgements, arrive shortly.
            if (list.Any(p => p.Tracker.Pending > 0))
            {
                Thread.Sleep(10);
            }
        }

        return list.All(p => p.Tracker.Pending == 0);
    }

    /// <summary>Drops <paramref name="list"/>: queued records are discarded, late acknowledgements ignored,
    /// processors disposed (trace state dropped), gauges removed.</summary>
    private void CloseAll(List<PartitionPipeline> list)
    {
        foreach (var p in list)
        {
            p.Cancellation.Cancel();
            p.Input.Writer.TryComplete();
        }

        try
        {
            Task.WaitAll(list.Select(p => p.Worker).ToArray(), TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        foreach (var p in list)
        {
            // Records still queued were never processed: release their document reservation as well.
            while (p.Input.Reader.TryRead(out var unprocessed))
            {
                Interlocked.Add(ref inFlightBytes, -unprocessed.Value.Length);
                unprocessed.ReleaseBuffers();
            }

            foreach (var record in p.Tracker.Close())
            {
                Release(record);
            }

            partitions.TryRemove(new KeyValuePair<(string, int), PartitionPipeline>((p.Topic, p.Partition), p));
            var partitionLabel = p.Partition.ToString(CultureInfo.InvariantCulture);
            metrics.ConsumerLag.RemoveLabelled(p.Topic, partitionLabel);
            metrics.CommittedOffset.RemoveLabelled(p.Topic, partitionLabel);
        }
    }

    private void Commit(List<PartitionPipeline> list, bool retryDuringRebalance)
    {
        var c = consumer;
        if (c is null || consumerFatal)
        {
            return;
        }

        var offsets = new List<TopicPartitionOffset>();
        var owners = new Dictionary<TopicPartition, PartitionPipeline>();
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
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                c.Commit(offsets);
                foreach (var committed in offsets)
                {
                    MarkCommitted(owners, committed);
                }

                return;
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

                LogThrottled("commit", LogLevel.Warning, "Offset commit partly failed (retried next time): " + e.Message);
                return;
            }
            catch (KafkaException e)
            {
                if (e.Error.IsFatal)
                {
                    consumerFatal = true;
                    Fail(new KafkaSourceException($"Fatal Kafka consumer error on commit: {e.Error.Code}: {e.Error.Reason}"));
                    return;
                }

                metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, "commit_" + e.Error.Code).Inc();
                if (retryDuringRebalance && attempt < 5 && e.Error.Code != ErrorCode.Local_NoOffset)
                {
                    // During a rebalance the coordinator answers REBALANCE_IN_PROGRESS for a moment.
                    metrics.Retries.WithLabels(PipelineMetrics.Stages.Receiving, "commit").Inc();
                    Thread.Sleep(100 * attempt);
                    continue;
                }

                LogThrottled("commit", LogLevel.Warning, $"Offset commit failed ({e.Error.Code}: {e.Error.Reason}); the acknowledged prefix is committed again later");
                return;
            }
        }
    }

    private void MarkCommitted(Dictionary<TopicPartition, PartitionPipeline> owners, TopicPartitionOffset committed)
    {
        if (owners.TryGetValue(committed.TopicPartition, out var p) && committed.Offset.Value >= 0)
        {
            p.Tracker.MarkCommitted(committed.Offset.Value);
            metrics.CommittedOffset.WithLabels(p.Topic, p.Partition.ToString(CultureInfo.InvariantCulture)).Set(committed.Offset.Value);
        }
    }

    private long? Lag(PartitionPipeline p)
    {
        try
        {
            if (consumer is not { } c)
            {
                return null;
            }

            var high = c.GetWatermarkOffsets(p.TopicPartition).High;
            if (p.Tracker.Position is not long position)
            {
                return lagProbe?.LagBeforeFirstRecord(p, high);
            }

            return high.IsSpecial ? null : Math.Max(0, high.Value - position);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    private void UpdateGauges()
    {
        metrics.InFlightBytes.Set(InFlightBytes);
        metrics.InFlightRecords.Set(InFlightRecords);
        metrics.ChannelDepth.WithLabels("sink").Set(toSink.Reader.Count);
        metrics.ChannelDepth.WithLabels("partition").Set(partitions.Values.Sum(p => p.Input.Reader.Count));
        metrics.AssignedPartitions.Set(partitions.Count);
        foreach (var p in partitions.Values)
        {
            if (Lag(p) is long lag)
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
        LogThrottled("consumer:" + error.Code, LogLevel.Warning, $"Kafka consumer error (retrying): {error.Code}: {error.Reason}");
    }

    private void OnProducerError(Error error)
    {
        if (error.IsFatal)
        {
            Fail(new KafkaSourceException($"Fatal error of the dead-letter producer {error.Code}: {error.Reason}"));
            return;
        }

        metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "dead_letter_" + error.Code).Inc();
        LogThrottled("producer:" + error.Code, LogLevel.Warning, $"Dead-letter producer error (retrying): {error.Code}: {error.Reason}");
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

    private void Shutdown(Task writer)
    {
        if (fatal is null)
        {
            SetState(KafkaSourceState.Stopping);
        }

        lagProbe?.Stop(TimeSpan.Zero);
        var all = partitions.Values.ToList();
        if (!abandoning && fatal is null)
        {
            var deadline = Environment.TickCount64 + (long)options.DrainTimeout.TotalMilliseconds;
            logger.LogInformation("Kafka source draining {Records} in-flight records (up to {Timeout})", InFlightRecords, options.DrainTimeout);
            if (!Drain(all, deadline))
            {
                logger.LogWarning("Drain timed out with {Records} records unacknowledged; committing the acknowledged prefix, the rest is redelivered", InFlightRecords);
            }
        }

        if (!abandoning)
        {
            Commit(all, retryDuringRebalance: true);
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

        CloseAll(partitions.Values.ToList());
        toSink.Writer.TryComplete();
        stopWriter.Cancel();
        try
        {
            writer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        producerClosed = true;
        if (producer is { } pr)
        {
            if (!abandoning && fatal is null)
            {
                pr.Flush(TimeSpan.FromSeconds(1));
            }

            pr.Dispose();
        }

        // Disposing a consumer whose Close still runs on another thread would free it under that thread.
        if (consumerClosed)
        {
            consumer?.Dispose();
        }

        UpdateGauges();
    }

    private void SetState(KafkaSourceState value)
    {
        if (State != KafkaSourceState.Failed || value == KafkaSourceState.Failed)
        {
            state = (int)value;
        }
    }

    private void LogThrottled(string key, LogLevel level, string message)
    {
        var now = Environment.TickCount64;
        var last = lastLogged.GetOrAdd(key, long.MinValue);
        if (now - last >= 5000 && lastLogged.TryUpdate(key, now, last))
        {
            logger.Log(level, "{Message}", message);
        }
    }

    private sealed record DeadLetterItem(PartitionPipeline Partition, PipelineRecord Record, string Topic, Message<byte[]?, byte[]> Message, string ReasonCode)
    {
        public bool Truncated { get; init; }
    }

    private sealed class Acknowledger(KafkaSource source) : IRecordAcknowledger
    {
        public void Acknowledge(PipelineRecord record) => source.OnAcknowledged(record);

        public void Reject(PipelineRecord record, string reasonCode, string reasonText) =>
            source.OnSinkRejected(record, reasonCode, reasonText);
    }
}
