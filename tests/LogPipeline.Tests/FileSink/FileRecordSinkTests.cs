using System.Text;
using System.Text.Json;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.FileSink;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipeline.Tests.FileSink;

public sealed class FileRecordSinkTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lp-filesink-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private FileSinkOptions Options(int maxDocuments = 5000, long maxFileBytes = 50L << 20, TimeSpan? flushInterval = null) => new()
    {
        Directory = _directory,
        MaxDocuments = maxDocuments,
        MaxFileBytes = maxFileBytes,
        FlushInterval = flushInterval ?? TimeSpan.FromMinutes(1),
    };

    private static PipelineRecord Record(long offset, string document, int partition = 0, string topic = "smm-logs-raw") => new()
    {
        Origin = new RecordOrigin(topic, partition, offset),
        Value = Encoding.UTF8.GetBytes(document),
        Document = Encoding.UTF8.GetBytes(document),
    };

    private static FileRecordSink Sink(FileSinkOptions options, Func<PipelineRecord, string>? indexOf = null) =>
        new(options, indexOf ?? (_ => "smm-logs-default"), new PipelineMetrics(), NullLogger.Instance);

    private string[] Lines() => Directory.GetFiles(_directory, "*.ndjson").Order(StringComparer.Ordinal)
        .SelectMany(File.ReadAllLines).ToArray();

    [Fact]
    public async Task Each_record_becomes_a_create_action_with_its_index_and_origin_id_followed_by_the_document()
    {
        var acknowledger = new RecordingAcknowledger();
        await using (var sink = Sink(Options()))
        {
            await sink.StartAsync(acknowledger, CancellationToken.None);
            await sink.WriteAsync(Record(41, """{"message":"a"}""", partition: 3), CancellationToken.None);
            await sink.WriteAsync(Record(42, """{"message":"b","n":1.0}""", partition: 3), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
            Assert.Equal(2, acknowledger.Acknowledged.Count);
        }

        Assert.Equal(
        [
            """{"create":{"_index":"smm-logs-default","_id":"smm-logs-raw:3:41"}}""",
            """{"message":"a"}""",
            """{"create":{"_index":"smm-logs-default","_id":"smm-logs-raw:3:42"}}""",
            """{"message":"b","n":1.0}""",
        ], Lines());
        Assert.Empty(acknowledger.Rejected);
    }

    [Fact]
    public void The_document_id_is_the_one_the_elasticsearch_sink_uses_so_a_replay_cannot_duplicate()
    {
        var origin = new RecordOrigin("smm-logs-raw", 11, 9_876_543_210);
        Span<byte> buffer = stackalloc byte[DocumentIds.MaxLength];
        var length = DocumentIds.Format(origin, buffer);
        Assert.Equal(BulkBodyWriter.DocumentId(origin), Encoding.UTF8.GetString(buffer[..length]));
    }

    [Fact]
    public async Task A_full_batch_is_written_and_acknowledged_without_waiting_for_the_flush_interval()
    {
        var acknowledger = new RecordingAcknowledger();
        await using var sink = Sink(Options(maxDocuments: 3, flushInterval: TimeSpan.FromMinutes(1)));
        await sink.StartAsync(acknowledger, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await sink.WriteAsync(Record(i, "{}"), CancellationToken.None);
        }

        // No FlushAsync: the count closes the batch. The wait is bounded by the test timeout, not asserted.
        while (acknowledger.Acknowledged.Count < 3)
        {
            await Task.Delay(10);
        }

        Assert.Equal(6, Lines().Length);
    }

    [Fact]
    public async Task A_partial_batch_no_record_joins_is_written_after_the_idle_flush_delay()
    {
        var acknowledger = new RecordingAcknowledger();
        var options = Options(maxDocuments: 1000, flushInterval: TimeSpan.FromMinutes(1));
        options.IdleFlushDelay = TimeSpan.FromMilliseconds(20);
        await using var sink = Sink(options);
        await sink.StartAsync(acknowledger, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await sink.WriteAsync(Record(i, "{}"), CancellationToken.None);
        }

        // No FlushAsync, and the batch is neither full nor a minute old: only the idle delay writes it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (acknowledger.Acknowledged.Count < 3)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.Equal(6, Lines().Length);
    }

    [Fact]
    public async Task Records_are_acknowledged_in_the_order_they_were_written()
    {
        var acknowledger = new RecordingAcknowledger();
        await using var sink = Sink(Options(maxDocuments: 7));
        await sink.StartAsync(acknowledger, CancellationToken.None);
        for (var i = 0; i < 100; i++)
        {
            await sink.WriteAsync(Record(i, $$"""{"i":{{i}}}"""), CancellationToken.None);
        }

        await sink.FlushAsync(CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), acknowledger.Acknowledged.Select(r => r.Origin.Offset));
    }

    [Fact]
    public async Task Records_of_different_target_indexes_go_to_different_files()
    {
        var acknowledger = new RecordingAcknowledger();
        await using (var sink = Sink(Options(), r => r.Origin.Partition == 0 ? "smm-logs-a" : "smm-logs-b"))
        {
            await sink.StartAsync(acknowledger, CancellationToken.None);
            for (var i = 0; i < 10; i++)
            {
                await sink.WriteAsync(Record(i, "{}", partition: i % 2), CancellationToken.None);
            }

            await sink.FlushAsync(CancellationToken.None);
        }

        var files = Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, files.Count);
        Assert.StartsWith("smm-logs-a-", files[0]);
        Assert.StartsWith("smm-logs-b-", files[1]);
        foreach (var file in Directory.GetFiles(_directory))
        {
            var index = Path.GetFileName(file).StartsWith("smm-logs-a-") ? "smm-logs-a" : "smm-logs-b";
            var actions = File.ReadAllLines(file).Where((_, n) => n % 2 == 0).ToList();
            Assert.Equal(5, actions.Count);
            Assert.All(actions, a => Assert.Equal(index, JsonDocument.Parse(a).RootElement.GetProperty("create").GetProperty("_index").GetString()));
        }
    }

    [Fact]
    public async Task A_file_is_closed_and_the_next_one_started_past_the_size_limit()
    {
        var acknowledger = new RecordingAcknowledger();
        var document = "{\"pad\":\"" + new string('x', 2000) + "\"}";
        await using (var sink = Sink(Options(maxDocuments: 100, maxFileBytes: 1 << 20)))
        {
            await sink.StartAsync(acknowledger, CancellationToken.None);
            for (var i = 0; i < 1500; i++)
            {
                await sink.WriteAsync(Record(i, document), CancellationToken.None);
            }

            await sink.FlushAsync(CancellationToken.None);
        }

        var files = Directory.GetFiles(_directory);
        Assert.True(files.Length >= 2, $"expected several files, got {files.Length}");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length < (1 << 20) + 100 * 2100));
        Assert.Equal(3000, Lines().Length);
    }

    [Fact]
    public async Task A_second_run_writes_new_files_and_leaves_the_first_runs_files_intact()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var sink = Sink(Options());
            await sink.StartAsync(new RecordingAcknowledger(), CancellationToken.None);
            await sink.WriteAsync(Record(run, "{}"), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        Assert.Equal(4, Lines().Length);
    }

    [Fact]
    public async Task A_torn_tail_left_by_a_crash_is_cut_back_to_the_last_complete_record_at_start()
    {
        Directory.CreateDirectory(_directory);
        var torn = Path.Combine(_directory, "smm-logs-default-20260101T000000Z-0001.ndjson");
        var complete = "{\"create\":{\"_index\":\"smm-logs-default\",\"_id\":\"t:0:1\"}}\n{\"a\":1}\n";
        await File.WriteAllTextAsync(torn, complete + "{\"create\":{\"_index\":\"smm-logs-default\",\"_id\":\"t:0:2\"}}\n{\"a\":");
        var dangling = Path.Combine(_directory, "smm-logs-default-20260101T000000Z-0002.ndjson");
        await File.WriteAllTextAsync(dangling, complete + "{\"create\":{\"_index\":\"smm-logs-default\",\"_id\":\"t:0:2\"}}\n");

        await using (var sink = Sink(Options()))
        {
            await sink.StartAsync(new RecordingAcknowledger(), CancellationToken.None);
        }

        Assert.Equal(complete, await File.ReadAllTextAsync(torn));
        Assert.Equal(complete, await File.ReadAllTextAsync(dangling));
    }

    [Fact]
    public async Task Flush_with_nothing_written_returns_at_once()
    {
        await using var sink = Sink(Options());
        await sink.StartAsync(new RecordingAcknowledger(), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);
        Assert.True(sink.IsHealthy);
        Assert.Empty(Directory.GetFiles(_directory));
    }
}
