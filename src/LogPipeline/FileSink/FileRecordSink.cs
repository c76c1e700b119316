using System.Buffers;
using System.Buffers.Text;
using System.Threading.Channels;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.FileSink;

/// <summary>Writes records as Elasticsearch <c>_bulk</c> NDJSON (an action line <c>{"create":{"_index":..,"_id":..}}</c>,
/// then the document) into size-bounded files per target index, so any file can be replayed with
/// <c>curl --data-binary @file .../_bulk</c>. Same contract as the Elasticsearch sink: batches close on count, bytes
/// or age; a batch is acknowledged only after it is written and (by default) fsynced; a failed write is retried
/// with back-off, never dropped. A record redelivered after a crash is written again with the same <c>_id</c>, so a
/// replay with op <c>create</c> still yields one document.</summary>
internal sealed class FileRecordSink : IRecordSink
{
    private const string SinkLabel = "file";
    private static readonly byte[] ActionStart = "{\"create\":{\"_index\":\""u8.ToArray();
    private static readonly byte[] IdStart = "\",\"_id\":\""u8.ToArray();
    private static readonly byte[] ActionEnd = "\"}}\n"u8.ToArray();

    private readonly FileSinkOptions _options;
    private readonly Func<PipelineRecord, string> _indexOf;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<PipelineRecord> _channel;
    private readonly Dictionary<string, Segment> _segments = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly List<(long Target, TaskCompletionSource Done)> _flushWaiters = [];
    private readonly Lock _flushLock = new();
    private readonly HashSet<string> _usedPaths = new(StringComparer.Ordinal);
    private readonly string _runStamp;
    private IRecordAcknowledger? _acknowledger;
    private Task? _loop;
    private Task<bool>? _pendingRead;
    private TaskCompletionSource _flushSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _handedOver;
    private long _completed;
    private volatile bool _healthy = true;

    /// <param name="indexOf">Target index of a record (the files are named after it).</param>
    public FileRecordSink(FileSinkOptions options, Func<PipelineRecord, string> indexOf, PipelineMetrics metrics, ILogger logger)
    {
        _options = options;
        _indexOf = indexOf;
        _metrics = metrics;
        _logger = logger;
        _channel = Channel.CreateBounded<PipelineRecord>(new BoundedChannelOptions(options.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _runStamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsHealthy => _healthy;

    /// <summary>Records written and acknowledged so far.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    public Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
    {
        _acknowledger = acknowledger;
        Directory.CreateDirectory(_options.Directory);
        foreach (var path in Directory.EnumerateFiles(_options.Directory, "*.ndjson"))
        {
            BulkFileRepair.RepairTail(path, _logger);
        }

        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _handedOver);
        _metrics.ChannelDepth.WithLabels("file_sink").Set(_channel.Reader.Count);
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _handedOver);
        TaskCompletionSource done;
        lock (_flushLock)
        {
            if (Interlocked.Read(ref _completed) >= target)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((target, done));
            _flushSignal.TrySetResult();
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        foreach (var segment in _segments.Values)
        {
            await segment.Stream.DisposeAsync().ConfigureAwait(false);
        }

        _segments.Clear();
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<PipelineRecord>(Math.Min(_options.MaxDocuments, 65_536));
        try
        {
            while (true)
            {
                long batchBytes = 0;
                var deadline = TimeSpan.Zero;
                var started = 0L;
                var growth = new BatchGrowth(TimeProvider.System, 0);
                while (batch.Count < _options.MaxDocuments && batchBytes < _options.MaxBytes)
                {
                    if (reader.TryRead(out var record))
                    {
                        if (batch.Count == 0)
                        {
                            started = Environment.TickCount64;
                            deadline = _options.FlushInterval;
                        }

                        batch.Add(record);
                        batchBytes += record.Document.Length;
                        continue;
                    }

                    if (batch.Count > 0 && (_flushSignal.Task.IsCompleted || Elapsed(started) >= deadline))
                    {
                        break;
                    }

                    // As the Elasticsearch sink: a batch no record has joined for IdleFlushDelay is written now.
                    var idleFor = growth.IdleFor(batch.Count);
                    if (batch.Count > 0 && _options.IdleFlushDelay > TimeSpan.Zero && idleFor >= _options.IdleFlushDelay)
                    {
                        break;
                    }

                    _pendingRead ??= reader.WaitToReadAsync().AsTask();
                    if (batch.Count == 0)
                    {
                        ResetFlushSignalIfIdle();
                        if (!await _pendingRead.ConfigureAwait(false))
                        {
                            return;
                        }

                        _pendingRead = null;
                        continue;
                    }

                    var remaining = deadline - Elapsed(started);
                    if (_options.IdleFlushDelay > TimeSpan.Zero && _options.IdleFlushDelay - idleFor is var idle && idle < remaining)
                    {
                        remaining = idle;
                    }

                    var delay = Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                    var winner = await Task.WhenAny(_pendingRead, delay, _flushSignal.Task).ConfigureAwait(false);
                    if (winner == _pendingRead)
                    {
                        var more = await _pendingRead.ConfigureAwait(false);
                        _pendingRead = null;
                        if (!more)
                        {
                            break;
                        }
                    }
                }

                if (batch.Count > 0)
                {
                    await WriteBatchAsync(batch).ConfigureAwait(false);
                    batch.Clear();
                }
                else if (reader.Completion.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            // Unreachable in practice (I/O errors are retried inside WriteBatchAsync); logged so a bug is visible.
            _healthy = false;
            _logger.LogCritical(e, "file sink stopped");
            throw;
        }
    }

    private static TimeSpan Elapsed(long started) => TimeSpan.FromMilliseconds(Environment.TickCount64 - started);

    private void ResetFlushSignalIfIdle()
    {
        lock (_flushLock)
        {
            if (_flushSignal.Task.IsCompleted && _flushWaiters.Count == 0)
            {
                _flushSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task WriteBatchAsync(List<PipelineRecord> batch)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                WriteBatch(batch);
                if (!_healthy)
                {
                    _logger.LogInformation("file sink writes succeed again in {Directory}", _options.Directory);
                }

                _healthy = true;
                break;
            }
            catch (IOException e)
            {
                // Disk full or a vanished directory: keep the batch, report unhealthy and try again, because
                // dropping would lose records whose offsets the source would then commit.
                _healthy = false;
                _metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "io_error").Inc();
                _logger.LogWarning("file sink write failed in {Directory}, retrying in {DelayMs} ms: {Error}",
                    _options.Directory, (int)delay.TotalMilliseconds, e.Message);
                await CloseSegmentsAsync().ConfigureAwait(false);
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (UnauthorizedAccessException e)
            {
                _healthy = false;
                _metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "access_denied").Inc();
                _logger.LogWarning("file sink cannot write in {Directory}, retrying in {DelayMs} ms: {Error}",
                    _options.Directory, (int)delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        foreach (var record in batch)
        {
            _acknowledger!.Acknowledge(record);
        }

        _metrics.RecordsIndexed.WithLabels(SinkLabel).Inc(batch.Count);
        _metrics.ChannelDepth.WithLabels("file_sink").Set(_channel.Reader.Count);
        var completed = Interlocked.Add(ref _completed, batch.Count);
        lock (_flushLock)
        {
            for (var i = _flushWaiters.Count - 1; i >= 0; i--)
            {
                if (_flushWaiters[i].Target <= completed)
                {
                    _flushWaiters[i].Done.TrySetResult();
                    _flushWaiters.RemoveAt(i);
                }
            }
        }
    }

    private void WriteBatch(List<PipelineRecord> batch)
    {
        // Group by index while keeping each index's records in arrival order.
        string? single = null;
        var mixed = false;
        foreach (var record in batch)
        {
            var index = _indexOf(record);
            single ??= index;
            mixed |= !string.Equals(single, index, StringComparison.Ordinal);
        }

        if (!mixed)
        {
            WriteIndex(single!, batch);
            return;
        }

        foreach (var group in batch.GroupBy(_indexOf, StringComparer.Ordinal))
        {
            WriteIndex(group.Key, group.ToList());
        }
    }

    private void WriteIndex(string index, List<PipelineRecord> records)
    {
        _buffer.ResetWrittenCount();
        var indexBytes = System.Text.Encoding.UTF8.GetBytes(index);
        Span<byte> idScratch = stackalloc byte[DocumentIds.MaxLength];
        foreach (var record in records)
        {
            _buffer.Write(ActionStart);
            _buffer.Write(indexBytes);
            _buffer.Write(IdStart);
            var idLength = DocumentIds.Format(record.Origin, idScratch);
            _buffer.Write(idScratch[..idLength]);
            _buffer.Write(ActionEnd);
            _buffer.Write(record.Document.Span);
            _buffer.Write("\n"u8);
        }

        var segment = CurrentSegment(index);
        segment.Stream.Write(_buffer.WrittenSpan);
        segment.Stream.Flush(flushToDisk: _options.Fsync);
        segment.Length += _buffer.WrittenCount;
        if (segment.Length >= _options.MaxFileBytes)
        {
            segment.Stream.Dispose();
            _segments.Remove(index);
        }
    }

    private Segment CurrentSegment(string index)
    {
        if (_segments.TryGetValue(index, out var segment))
        {
            return segment;
        }

        // A new file per run and per size limit: files of earlier runs are never appended to, so a torn tail from a
        // crash stays in one old file (repaired at start).
        for (var sequence = 1; ; sequence++)
        {
            var path = Path.Combine(_options.Directory, $"{index}-{_runStamp}-{sequence:D4}.ndjson");
            if (_usedPaths.Contains(path) || File.Exists(path))
            {
                continue;
            }

            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
            _usedPaths.Add(path);
            segment = new Segment(path, stream);
            _segments[index] = segment;
            _logger.LogInformation("file sink writing {Path}", path);
            return segment;
        }
    }

    private async Task CloseSegmentsAsync()
    {
        foreach (var segment in _segments.Values)
        {
            try
            {
                await segment.Stream.DisposeAsync().ConfigureAwait(false);
                BulkFileRepair.RepairTail(segment.Path, _logger);
            }
            catch (IOException)
            {
                // The batch is rewritten in full to a new file; a torn tail left here is repaired at next start.
            }
        }

        _segments.Clear();
    }

    private sealed class Segment(string path, FileStream stream)
    {
        public string Path { get; } = path;

        public FileStream Stream { get; } = stream;

        public long Length { get; set; }
    }
}
