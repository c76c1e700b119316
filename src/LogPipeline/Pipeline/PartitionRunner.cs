using System.Threading.Channels;
using LogPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Pipeline;

/// <summary>Carries the records of one partition through that partition's processor, in offset order and on one
/// task at a time (partitions run in parallel): accepted records go to the <see cref="SinkWriter"/>, rejected ones
/// to the rejection handler (the dead-letter topic). Created when the partition is assigned, stopped when it is
/// revoked or lost; stopping disposes the processor, which drops its per-partition state (trace linking).</summary>
internal sealed class PartitionRunner
{
    private readonly IPartitionProcessor _processor;
    private readonly InFlightLimiter _limiter;
    private readonly SinkWriter _sinkWriter;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action<PipelineRecord, string, string> _reject;
    private readonly Channel<PipelineRecord> _input;
    private readonly CancellationTokenSource _cancellation = new();
    private Task _worker = Task.CompletedTask;

    /// <param name="capacity">Queue size; above the in-flight record bound, so receipt only waits on it after the
    /// bound was passed.</param>
    /// <param name="reject">Called for each record the processor rejected, with reason code and text; the runner
    /// releases the record's buffers afterwards.</param>
    public PartitionRunner(string topic, int partition, IPartitionProcessor processor, int capacity, InFlightLimiter limiter,
        SinkWriter sinkWriter, PipelineMetrics metrics, ILogger logger, Action<PipelineRecord, string, string> reject)
    {
        Topic = topic;
        Partition = partition;
        _processor = processor;
        _limiter = limiter;
        _sinkWriter = sinkWriter;
        _metrics = metrics;
        _logger = logger;
        _reject = reject;
        _input = Channel.CreateBounded<PipelineRecord>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Topic { get; }

    public int Partition { get; }

    /// <summary>True once <see cref="Stop"/> was called: queued and late records are dropped (they are redelivered).</summary>
    public bool IsStopped => _cancellation.IsCancellationRequested;

    /// <summary>Records waiting for the processor.</summary>
    public int Queued => _input.Reader.Count;

    /// <summary>The processing task; it disposes the processor when it ends.</summary>
    public Task Worker => _worker;

    public void Start() => _worker = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Queues a received record without waiting; false when the queue is full.</summary>
    public bool TryEnqueue(PipelineRecord record) => _input.Writer.TryWrite(record);

    /// <summary>Queues a received record, waiting for room. A record that cannot be queued (the partition stopped,
    /// or <paramref name="token"/> fired) is never processed, so never acknowledged: the commit stops before it
    /// and it is redelivered.</summary>
    public void Enqueue(PipelineRecord record, CancellationToken token)
    {
        try
        {
            _input.Writer.WriteAsync(record, token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            _limiter.AdjustBytes(-record.Value.Length);
            record.ReleaseBuffers();
        }
    }

    /// <summary>Takes no more records; those queued are still processed (a revoke's drain).</summary>
    public void CompleteInput() => _input.Writer.TryComplete();

    /// <summary>Stops processing: records still queued are dropped by <see cref="DropQueued"/>.</summary>
    public void Stop()
    {
        _cancellation.Cancel();
        _input.Writer.TryComplete();
    }

    /// <summary>Releases records still queued after <see cref="Stop"/>: never processed, they also give back the
    /// room reserved for their document.</summary>
    public void DropQueued()
    {
        while (_input.Reader.TryRead(out var unprocessed))
        {
            _limiter.AdjustBytes(-unprocessed.Value.Length);
            unprocessed.ReleaseBuffers();
        }
    }

    /// <summary>Hands one document to the sink writer when its queue was full, waiting for room (the caller tries
    /// <see cref="SinkWriter.TryWrite"/> first, so no async call is made per record). When the partition closes
    /// meanwhile, the document (and the parts of its message not handed over yet, from <paramref name="index"/> on)
    /// are dropped: the message is redelivered to the partition's next owner.</summary>
    private async ValueTask WriteAsync(PipelineRecord document, CancellationToken token, IReadOnlyList<PipelineRecord>? parts, int index)
    {
        try
        {
            await _sinkWriter.WriteAsync(this, document, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            if (parts is null)
            {
                document.ReleaseBuffers();
            }
            else
            {
                for (var i = index; i < parts.Count; i++)
                {
                    parts[i].Abandon();
                }
            }

            throw;
        }
    }

    private async Task RunAsync()
    {
        var token = _cancellation.Token;
        var reader = _input.Reader;
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
                        result = _processor.Process(record);
                    }
                    catch (Exception e)
                    {
                        _metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Processing, "processor_exception").Inc();
                        result = ProcessResult.Rejected("processor_exception", e.GetType().Name + ": " + e.Message);
                    }

                    // Settle the reservation made on receipt: from now on exactly SizeBytes is in flight.
                    _limiter.AdjustBytes(record.DocumentBytes - record.Value.Length);

                    if (result.Accepted)
                    {
                        _metrics.RecordsEnriched.Inc();
                        if (record.Parts is { } parts)
                        {
                            for (var i = 0; i < parts.Items.Count; i++)
                            {
                                if (!_sinkWriter.TryWrite(this, parts.Items[i]))
                                {
                                    await WriteAsync(parts.Items[i], token, parts.Items, i).ConfigureAwait(false);
                                }
                            }
                        }
                        else if (!_sinkWriter.TryWrite(this, record))
                        {
                            await WriteAsync(record, token, null, 0).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        var code = result.ReasonCode ?? "rejected";
                        _metrics.RecordsRejected.WithLabels(code).Inc();
                        _reject(record, code, result.ReasonText ?? code);
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
                _processor.Dispose();
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Disposing the processor of {Topic}[{Partition}] failed", Topic, Partition);
            }
        }
    }
}
