using System.Collections.Concurrent;
using System.Threading.Channels;
using LogPipeline.Diagnostics;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LogPipeline.Pipeline;

/// <summary>The batching both sinks share (the shape of Elastic's ingest channels): a bounded buffer that makes
/// <see cref="WriteAsync"/> wait while it is full (which pauses the source), one loop that cuts batches on count,
/// bytes or age, and at most <see cref="BatchLimits.MaxConcurrentExports"/> batches exported at once. A sink only says
/// how a batch is exported (<see cref="ExportAsync"/>).
/// <list type="bullet">
/// <item>A batch closes when it holds <see cref="BatchLimits.MaxDocuments"/> records or
/// <see cref="BatchLimits.MaxBytes"/> bytes; when its first record has waited <see cref="BatchLimits.FlushInterval"/>;
/// when no record has joined it for <see cref="BatchLimits.IdleFlushDelay"/> while an export slot is free (while
/// every slot is busy it keeps filling: sent early it would only wait for the slot as a smaller batch); or when a
/// <see cref="FlushAsync"/> covers one of its records.</item>
/// <item>Every timer runs on the <see cref="TimeProvider"/> given, so tests drive batching with a fake clock. The
/// clock is read once per wait for records, never per record.</item>
/// <item>Disposing without <see cref="FlushAsync"/> stops the exports in progress: their records are neither
/// acknowledged nor rejected, and the source does not commit them.</item>
/// </list></summary>
internal abstract class BatchingSink : IRecordSink
{
    private readonly BatchLimits _limits;
    private readonly string _name;
    private readonly Channel<PipelineRecord> _buffer;
    private readonly SemaphoreSlim _exporters;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Gauge.Child _channelDepth;

    // Batches are handed back after their export and filled again: a new list per batch grew through every doubling
    // each time, a long-lived allocation per record (figures: docs/worker.md).
    private readonly ConcurrentBag<List<PipelineRecord>> _batchLists = [];
    private readonly HashSet<Task> _inFlight = [];
    private readonly Lock _inFlightLock = new();

    private IRecordAcknowledger? _acknowledger;
    private Task? _batchLoop;

    // A wait for records outlives a wake-up (flush, idle check) and is reused by the next wait: a new one per wake-up
    // would stay registered with the channel until a record arrives.
    private Task<bool>? _pendingRead;
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _progress = NewSignal();
    private volatile bool _batchAged;
    private long _accepted;
    private long _settled;
    private long _dispatched;
    private long _flushTarget;
    private int _disposed;

    /// <param name="channelLabel">The <c>channel</c> label of <c>logpipeline_channel_depth</c> for this sink's buffer.</param>
    /// <param name="name">The sink's name in log lines.</param>
    private protected BatchingSink(BatchLimits limits, PipelineMetrics metrics, ILogger logger, TimeProvider? timeProvider, string channelLabel, string name)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxDocuments, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.BufferCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxConcurrentExports, 1);
        _limits = limits;
        _name = name;
        Metrics = metrics;
        Logger = logger;
        Time = timeProvider ?? TimeProvider.System;
        _buffer = Channel.CreateBounded<PipelineRecord>(new BoundedChannelOptions(limits.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _exporters = new SemaphoreSlim(limits.MaxConcurrentExports, limits.MaxConcurrentExports);
        _channelDepth = metrics.ChannelDepth.WithLabels(channelLabel);
    }

    /// <summary>False while the destination is unreachable or refuses writes (readiness probe).</summary>
    public abstract bool IsHealthy { get; }

    private protected PipelineMetrics Metrics { get; }

    private protected ILogger Logger { get; }

    private protected TimeProvider Time { get; }

    /// <summary>The acknowledger given to <see cref="StartAsync"/>.</summary>
    private protected IRecordAcknowledger Acknowledger =>
        _acknowledger ?? throw new InvalidOperationException($"Start the {_name} sink before writing.");

    /// <summary>Records taken by <see cref="WriteAsync"/> so far.</summary>
    internal long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Records of finished exports (each one acknowledged or rejected) so far.</summary>
    internal long Settled => Volatile.Read(ref _settled);

    /// <summary>Records waiting in the buffer for a batch.</summary>
    internal int Buffered => _buffer.Reader.Count;

    public async Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acknowledger);
        if (Interlocked.CompareExchange(ref _acknowledger, acknowledger, null) is not null)
        {
            throw new InvalidOperationException($"The {_name} sink was already started.");
        }

        await PrepareAsync(cancellationToken).ConfigureAwait(false);
        _batchLoop = Task.Run(() => BatchLoopAsync(_stopping.Token), CancellationToken.None);
    }

    public virtual ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        _ = Acknowledger;
        if (_buffer.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _accepted);
            return ValueTask.CompletedTask;
        }

        return WaitToWriteAsync(record, cancellationToken);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Volatile.Read(ref _accepted);
        long current;
        while ((current = Volatile.Read(ref _flushTarget)) < target
               && Interlocked.CompareExchange(ref _flushTarget, target, current) != current)
        {
        }

        Wake();
        while (Volatile.Read(ref _settled) < target)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Volatile.Read(ref _settled) >= target)
            {
                break;
            }

            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _buffer.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        Wake();
        if (_batchLoop is not null)
        {
            await _batchLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task[] inFlight;
        lock (_inFlightLock)
        {
            inFlight = [.. _inFlight];
        }

        await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeCoreAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _exporters.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Prepares the destination before the first batch (bootstrap, file repair).</summary>
    private protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stores <paramref name="batch"/> and reports every record's fate to <see cref="Acknowledger"/>
    /// before it returns, retrying what can be retried (a sink never drops a record). When
    /// <paramref name="cancellationToken"/> is cancelled (the sink is disposed) it may stop with records unreported.
    /// The list belongs to the base and is reused once the export returns.</summary>
    private protected abstract Task ExportAsync(List<PipelineRecord> batch, CancellationToken cancellationToken);

    /// <summary>Releases the sink's own resources, after the last export finished.</summary>
    private protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private async ValueTask WaitToWriteAsync(PipelineRecord record, CancellationToken cancellationToken)
    {
        await _buffer.Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _accepted);
    }

    private async Task BatchLoopAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var batch = _batchLists.TryTake(out var reused) ? reused : new List<PipelineRecord>(Math.Min(_limits.MaxDocuments, 1024));
                if (!await FillAsync(batch, ct).ConfigureAwait(false))
                {
                    return;
                }

                _dispatched += batch.Count;
                _channelDepth.Set(_buffer.Reader.Count);
                await _exporters.WaitAsync(ct).ConfigureAwait(false);
                var export = ExportBatchAsync(batch, ct);
                lock (_inFlightLock)
                {
                    _inFlight.Add(export);
                }

                _ = export.ContinueWith(t =>
                {
                    lock (_inFlightLock)
                    {
                        _inFlight.Remove(t);
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Fills <paramref name="batch"/> until one of the limits closes it; false when the buffer was completed
    /// (the sink is disposed) and no record is left.</summary>
    private async Task<bool> FillAsync(List<PipelineRecord> batch, CancellationToken ct)
    {
        var reader = _buffer.Reader;
        var limits = _limits;

        // Wait for the first record of the batch; its arrival starts the age clock. The clock is read before the
        // record is taken, so the batch's age counts from no later than the moment the record left the buffer.
        long opened;
        PipelineRecord? first;
        while (true)
        {
            opened = Time.GetTimestamp();
            if (reader.TryRead(out first))
            {
                break;
            }

            _pendingRead ??= reader.WaitToReadAsync(ct).AsTask();
            var more = await _pendingRead.ConfigureAwait(false);
            _pendingRead = null;
            if (!more)
            {
                return false;
            }
        }

        batch.Add(first);
        var bytes = (long)first.Document.Length + limits.RecordOverheadBytes;
        if (batch.Count >= limits.MaxDocuments || bytes >= limits.MaxBytes)
        {
            return true;
        }

        // One timer per batch for its age, and one that wakes the loop every IdleFlushDelay, so a batch no record has
        // joined for that long goes out while a slot is free rather than waiting out FlushInterval at the end of a burst.
        _batchAged = false;
        var age = Time.CreateTimer(static s => ((BatchingSink)s!).OnBatchAged(), this,
            TimeSpan.FromTicks(Math.Max(0, (limits.FlushInterval - Time.GetElapsedTime(opened)).Ticks)), Timeout.InfiniteTimeSpan);
        var idleCheck = limits.IdleFlushDelay > TimeSpan.Zero
            ? Time.CreateTimer(static s => ((BatchingSink)s!).Wake(), this, limits.IdleFlushDelay, limits.IdleFlushDelay)
            : null;
        var grewTo = batch.Count;
        var grewAt = opened;
        try
        {
            while (batch.Count < limits.MaxDocuments)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    bytes += next.Document.Length + limits.RecordOverheadBytes;
                    if (bytes >= limits.MaxBytes)
                    {
                        break;
                    }

                    continue;
                }

                // Buffer empty: a flush covering a record of this batch closes it now. The wake signal is taken
                // before the checks so a flush or timer that lands in between is not missed.
                var wake = Volatile.Read(ref _wake).Task;
                if (Volatile.Read(ref _flushTarget) > _dispatched || _batchAged)
                {
                    break;
                }

                if (idleCheck is not null)
                {
                    if (batch.Count != grewTo)
                    {
                        grewTo = batch.Count;
                        grewAt = Time.GetTimestamp();
                    }
                    else if (Time.GetElapsedTime(grewAt) >= limits.IdleFlushDelay && _exporters.CurrentCount > 0)
                    {
                        break;
                    }
                }

                _pendingRead ??= reader.WaitToReadAsync(ct).AsTask();
                await Task.WhenAny(_pendingRead, wake).ConfigureAwait(false);
                if (wake.IsCompleted)
                {
                    var current = Volatile.Read(ref _wake);
                    if (current.Task == wake)
                    {
                        Interlocked.CompareExchange(ref _wake, NewSignal(), current);
                    }
                }

                ct.ThrowIfCancellationRequested();
                if (_pendingRead.IsCompleted)
                {
                    var more = await _pendingRead.ConfigureAwait(false);
                    _pendingRead = null;
                    if (!more)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            // Disposed asynchronously, a timer's callback still running is waited for: a late one cannot mark the
            // next batch aged.
            await age.DisposeAsync().ConfigureAwait(false);
            if (idleCheck is not null)
            {
                await idleCheck.DisposeAsync().ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task ExportBatchAsync(List<PipelineRecord> batch, CancellationToken ct)
    {
        // The loop goes on filling the next batch while this one is exported.
        await Task.Yield();
        try
        {
            await ExportAsync(batch, ct).ConfigureAwait(false);
            Interlocked.Add(ref _settled, batch.Count);
            Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();
            batch.Clear();
            if (_batchLists.Count <= _limits.MaxConcurrentExports)
            {
                _batchLists.Add(batch);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Unreachable by design (each sink retries or rejects every failure); logged so it is never silent.
            Logger.LogCritical(e, "{Sink} sink: a batch of {Count} records failed unexpectedly; they stay unacknowledged", _name, batch.Count);
            Metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "internal").Inc();
        }
        finally
        {
            _exporters.Release();
        }
    }

    private void OnBatchAged()
    {
        _batchAged = true;
        Wake();
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
