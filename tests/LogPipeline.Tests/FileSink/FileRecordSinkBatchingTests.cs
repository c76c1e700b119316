using System.Text;
using LogPipeline.Diagnostics;
using LogPipeline.FileSink;
using LogPipeline.Pipeline;
using LogPipeline.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogPipeline.Tests.FileSink;

/// <summary>The file sink's batching on a fake clock: what closes a batch is the sink's <see cref="TimeProvider"/>,
/// never the machine's.</summary>
public sealed class FileRecordSinkBatchingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lp-filesink-clock-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingAcknowledger _acknowledger = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private FileRecordSink Sink(int maxDocuments, TimeSpan flushInterval, TimeSpan idleFlushDelay) => new(
        new FileSinkOptions
        {
            Directory = _directory,
            MaxDocuments = maxDocuments,
            FlushInterval = flushInterval,
            IdleFlushDelay = idleFlushDelay,
            Fsync = false,
        },
        _ => "smm-logs-default", new PipelineMetrics(), NullLogger.Instance, _time);

    private static PipelineRecord Record(long offset) => new()
    {
        Origin = new RecordOrigin("smm-logs-raw", 0, offset),
        Value = Encoding.UTF8.GetBytes("{}"),
        Document = Encoding.UTF8.GetBytes("{}"),
    };

    private async Task WriteAsync(FileRecordSink sink, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            await sink.WriteAsync(Record(i), CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_partial_batch_is_written_once_the_sinks_clock_passes_the_idle_flush_delay()
    {
        await using var sink = Sink(maxDocuments: 1000, flushInterval: TimeSpan.FromMinutes(1), idleFlushDelay: TimeSpan.FromMilliseconds(50));
        await sink.StartAsync(_acknowledger, CancellationToken.None);
        await WriteAsync(sink, 0, 3);
        await FakeClockSteps.UntilTakenAsync(sink);

        var advanced = await FakeClockSteps.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(10),
            () => _acknowledger.Acknowledged.Count == 3, limit: TimeSpan.FromSeconds(10));

        // Not before the idle delay on the fake clock, and long before the minute-long flush interval.
        Assert.InRange(advanced, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_partial_batch_is_written_once_the_sinks_clock_passes_the_flush_interval()
    {
        await using var sink = Sink(maxDocuments: 1000, flushInterval: TimeSpan.FromMinutes(1), idleFlushDelay: TimeSpan.Zero);
        await sink.StartAsync(_acknowledger, CancellationToken.None);
        await WriteAsync(sink, 0, 3);
        await FakeClockSteps.UntilTakenAsync(sink);

        var advanced = await FakeClockSteps.AdvanceUntilAsync(_time, TimeSpan.FromSeconds(5),
            () => _acknowledger.Acknowledged.Count == 3, limit: TimeSpan.FromMinutes(5));

        // A minute on the fake clock, a second or so of real time.
        Assert.InRange(advanced, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Full_batches_are_written_while_the_clock_stands_still_and_the_rest_when_it_reaches_the_flush_interval()
    {
        await using var sink = Sink(maxDocuments: 10, flushInterval: TimeSpan.FromSeconds(1), idleFlushDelay: TimeSpan.Zero);
        await sink.StartAsync(_acknowledger, CancellationToken.None);
        await WriteAsync(sink, 0, 25);

        // Two full batches go out with the clock standing still; the third waits for the clock.
        await FakeClockSteps.UntilAsync(() => _acknowledger.Acknowledged.Count >= 20);
        await FakeClockSteps.UntilTakenAsync(sink);
        Assert.Equal(20, _acknowledger.Acknowledged.Count);

        await FakeClockSteps.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(250),
            () => _acknowledger.Acknowledged.Count == 25, limit: TimeSpan.FromMinutes(1));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), _acknowledger.Acknowledged.Select(r => r.Origin.Offset));
    }

    [Fact]
    public async Task Flush_writes_a_partial_batch_without_waiting_for_the_clock()
    {
        await using var sink = Sink(maxDocuments: 1000, flushInterval: TimeSpan.FromMinutes(1), idleFlushDelay: TimeSpan.FromMilliseconds(50));
        await sink.StartAsync(_acknowledger, CancellationToken.None);
        await WriteAsync(sink, 0, 3);

        await sink.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(3, _acknowledger.Acknowledged.Count);
        Assert.Equal(6, Directory.GetFiles(_directory, "*.ndjson").Sum(f => File.ReadAllLines(f).Length));
    }
}
