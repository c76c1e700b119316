using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Kafka;

/// <summary>Writes rejected records to the dead-letter topic with the original key and value and the
/// <see cref="DeadLetterHeaders"/> (idempotent producer, acks=all). A record counts as done only when Kafka
/// acknowledged its dead-letter copy; a refused write is retried every
/// <see cref="KafkaSourceOptions.DeadLetterRetryBackoff"/> until it succeeds or its partition is closed (then the
/// partition's next owner dead-letters it again).</summary>
internal sealed class DeadLetterProducer
{
    private const int MaxReasonTextLength = 1000;

    private readonly KafkaSourceOptions _options;
    private readonly ProducerConfig _config;
    private readonly PipelineMetrics _metrics;
    private readonly ThrottledLog _log;
    private readonly Action<AssignedPartition, PipelineRecord, string> _delivered;
    private readonly Action<Exception> _fatal;
    private readonly IProducer<byte[]?, byte[]> _producer;
    private volatile bool _closed;

    /// <param name="delivered">Called once Kafka acknowledged a record's dead-letter copy, with its reason code.</param>
    /// <param name="fatal">Called on a fatal producer error: the source cannot go on.</param>
    /// <exception cref="KafkaConfigurationException">The producer refused its configuration.</exception>
    public DeadLetterProducer(KafkaSourceOptions options, ProducerConfig config, PipelineMetrics metrics, ThrottledLog log, ILogger logger,
        Action<AssignedPartition, PipelineRecord, string> delivered, Action<Exception> fatal)
    {
        _options = options;
        _config = config;
        _metrics = metrics;
        _log = log;
        _delivered = delivered;
        _fatal = fatal;
        try
        {
            _producer = new ProducerBuilder<byte[]?, byte[]>(config)
                .SetErrorHandler((_, error) => OnProducerError(error))
                .SetLogHandler((_, message) => logger.LogDebug("librdkafka dead-letter producer {Facility}: {Message}", message.Facility, message.Message))
                .Build();
        }
        catch (ArgumentException e)
        {
            throw new KafkaConfigurationException([$"{KafkaClientConfiguration.ProducerSection}: {e.Message}"]);
        }
    }

    /// <summary>Produces <paramref name="record"/> of <paramref name="partition"/> to its dead-letter topic. The
    /// record's bytes are copied: the caller may release it when this returns.</summary>
    public void Send(AssignedPartition partition, PipelineRecord record, string reasonCode, string reasonText)
    {
        var value = MemoryMarshal.TryGetArray(record.Value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : record.Value.ToArray();
        var headers = DeadLetterHeaders.Create(record, reasonCode,
            reasonText.Length > MaxReasonTextLength ? reasonText[..MaxReasonTextLength] : reasonText, DateTime.UtcNow);
        var message = new Message<byte[]?, byte[]> { Key = record.Key, Value = value, Headers = headers };
        Produce(new Item(partition, record, _options.DeadLetterTopicFor(record.Origin.Topic), message, reasonCode));
    }

    /// <summary>Stops producing; waits up to <paramref name="flush"/> for writes in flight, then disposes the producer.</summary>
    public void Close(TimeSpan flush)
    {
        _closed = true;
        if (flush > TimeSpan.Zero)
        {
            _producer.Flush(flush);
        }

        _producer.Dispose();
    }

    private void Produce(Item item)
    {
        // A revoked or lost partition's record is redelivered to the new owner, which dead-letters it again.
        if (item.Partition.Tracker.IsClosed || _closed)
        {
            return;
        }

        try
        {
            _producer.Produce(item.Topic, item.Message, report => OnDelivered(item, report));
        }
        catch (ProduceException<byte[]?, byte[]> e)
        {
            OnFailed(item, e.Error);
        }
        catch (KafkaException e)
        {
            OnFailed(item, e.Error);
        }
        catch (ObjectDisposedException)
        {
            // Shut down meanwhile; the record was not committed and comes back on restart.
        }
    }

    private void OnDelivered(Item item, DeliveryReport<byte[]?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            OnFailed(item, report.Error);
            return;
        }

        _delivered(item.Partition, item.Record, item.ReasonCode);
    }

    private void OnFailed(Item item, Error error)
    {
        _metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "dead_letter_" + error.Code).Inc();
        if (error.IsFatal)
        {
            _fatal(new KafkaSourceException($"Fatal error of the dead-letter producer: {error.Code}: {error.Reason}"));
            return;
        }

        if (error.Code == ErrorCode.MsgSizeTooLarge && !item.Truncated)
        {
            item = Truncate(item);
        }

        _log.Log("dlq:" + error.Code, LogLevel.Warning,
            $"Dead-letter produce to {item.Topic} failed ({error.Code}: {error.Reason}); retrying every {_options.DeadLetterRetryBackoff.TotalSeconds:0.###} s");
        _metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "dead_letter").Inc();
        _ = Task.Delay(_options.DeadLetterRetryBackoff).ContinueWith(_ => Produce(item), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>A record bigger than the producer may send cannot be dead-lettered whole; keep its start and
    /// say so, rather than blocking the partition's commits forever.</summary>
    private Item Truncate(Item item)
    {
        var limit = Math.Max(1024, (_config.MessageMaxBytes ?? 1_000_000) - 64 * 1024);
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

    private void OnProducerError(Error error)
    {
        if (error.IsFatal)
        {
            _fatal(new KafkaSourceException($"Fatal error of the dead-letter producer {error.Code}: {error.Reason}"));
            return;
        }

        _metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "dead_letter_" + error.Code).Inc();
        _log.Log("producer:" + error.Code, LogLevel.Warning, $"Dead-letter producer error (retrying): {error.Code}: {error.Reason}");
    }

    private sealed record Item(AssignedPartition Partition, PipelineRecord Record, string Topic, Message<byte[]?, byte[]> Message, string ReasonCode)
    {
        public bool Truncated { get; init; }
    }
}
