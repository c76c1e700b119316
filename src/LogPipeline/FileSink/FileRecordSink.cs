using System.Buffers;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.FileSink;

/// <summary>Writes records as Elasticsearch <c>_bulk</c> NDJSON (an action line <c>{"create":{"_index":..,"_id":..}}</c>,
/// then the document) into size-bounded files per target index, so any file can be replayed with
/// <c>curl --data-binary @file .../_bulk</c>. Same contract as the Elasticsearch sink, and the same batching
/// (<see cref="BatchingSink"/>, one batch written at a time): a batch is acknowledged only after it is written and
/// (by default) fsynced; a failed write is retried with back-off, never dropped. A record redelivered after a crash is
/// written again with the same <c>_id</c>, so a replay with op <c>create</c> still yields one document.</summary>
internal sealed class FileRecordSink : BatchingSink
{
    private const string SinkLabel = "file";
    private static readonly byte[] ActionStart = "{\"create\":{\"_index\":\""u8.ToArray();
    private static readonly byte[] IdStart = "\",\"_id\":\""u8.ToArray();
    private static readonly byte[] ActionEnd = "\"}}\n"u8.ToArray();

    private readonly FileSinkOptions _options;
    private readonly Func<PipelineRecord, string> _indexOf;
    private readonly Dictionary<string, Segment> _segments = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly HashSet<string> _usedPaths = new(StringComparer.Ordinal);
    private readonly string _runStamp;
    private volatile bool _healthy = true;

    /// <param name="indexOf">Target index of a record (the files are named after it).</param>
    public FileRecordSink(FileSinkOptions options, Func<PipelineRecord, string> indexOf, PipelineMetrics metrics, ILogger logger,
        TimeProvider? timeProvider = null)
        : base(Limits(options), metrics, logger, timeProvider, "file_sink", "file")
    {
        _options = options;
        _indexOf = indexOf;
        _runStamp = Time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override bool IsHealthy => _healthy;

    private protected override Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.Directory);
        foreach (var path in Directory.EnumerateFiles(_options.Directory, "*.ndjson"))
        {
            BulkFileRepair.RepairTail(path, Logger);
        }

        return Task.CompletedTask;
    }

    private protected override async ValueTask DisposeCoreAsync()
    {
        foreach (var segment in _segments.Values)
        {
            await segment.Stream.DisposeAsync().ConfigureAwait(false);
        }

        _segments.Clear();
    }

    private static BatchLimits Limits(FileSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Bytes count documents only (the action lines are not part of the limit); one batch is written at a time,
        // in order, so records are acknowledged in the order they were handed over.
        return new BatchLimits(options.MaxDocuments, options.MaxBytes, RecordOverheadBytes: 0, options.FlushInterval,
            options.IdleFlushDelay, options.BufferCapacity, MaxConcurrentExports: 1);
    }

    private protected override async Task ExportAsync(List<PipelineRecord> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                WriteBatch(batch);
                if (!_healthy)
                {
                    Logger.LogInformation("file sink writes succeed again in {Directory}", _options.Directory);
                }

                _healthy = true;
                break;
            }
            catch (IOException e)
            {
                // Disk full or a vanished directory: keep the batch, report unhealthy and try again, because
                // dropping would lose records whose offsets the source would then commit.
                _healthy = false;
                Metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "io_error").Inc();
                Logger.LogWarning("file sink write failed in {Directory}, retrying in {DelayMs} ms: {Error}",
                    _options.Directory, (int)delay.TotalMilliseconds, e.Message);
                await CloseSegmentsAsync().ConfigureAwait(false);
                await Task.Delay(delay, Time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (UnauthorizedAccessException e)
            {
                _healthy = false;
                Metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "access_denied").Inc();
                Logger.LogWarning("file sink cannot write in {Directory}, retrying in {DelayMs} ms: {Error}",
                    _options.Directory, (int)delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay, Time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        var acknowledger = Acknowledger;
        foreach (var record in batch)
        {
            acknowledger.Acknowledge(record);
        }

        Metrics.RecordsIndexed.WithLabels(SinkLabel).Inc(batch.Count);
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
            Logger.LogInformation("file sink writing {Path}", path);
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
                BulkFileRepair.RepairTail(segment.Path, Logger);
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
