using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Tests.Pipeline;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Testing.Time;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The Elasticsearch sink's batching on a fake clock (against the test server): what sends a partial batch
/// is the sink's <see cref="TimeProvider"/>, never the machine's.</summary>
public sealed class ElasticsearchSinkBatchingTests
{
    private const string Target = "smm-logs-default";

    private readonly TimerTrackingTimeProvider _time = new();
    private readonly RecordingAcknowledger _acknowledger = new();

    private async Task<ElasticsearchSink> StartAsync(ElasticsearchTestServer server, Action<ElasticsearchBulkOptions> bulk)
    {
        var options = SinkScenarios.Options(server.Url, configure: o => bulk(o.Bulk));
        var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics(), timeProvider: _time);
        await sink.StartAsync(_acknowledger, SinkScenarios.Timeout(60));
        return sink;
    }

    private static async Task WriteAsync(ElasticsearchSink sink, int count)
    {
        foreach (var record in SomeLogRecords.Many(count))
        {
            await sink.WriteAsync(record, CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_end_of_a_burst_is_sent_once_the_sinks_clock_passes_the_idle_flush_delay()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        await using var sink = await StartAsync(server, b =>
        {
            b.FlushInterval = TimeSpan.FromMinutes(5);
            b.IdleFlushDelay = TimeSpan.FromMilliseconds(100);
        });
        await WriteAsync(sink, 5);
        await FakeClockSteps.UntilTakenAsync(sink);

        var advanced = await FakeClockSteps.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(20),
            () => _acknowledger.AcknowledgedCount == 5, limit: TimeSpan.FromSeconds(30));

        // Not before the idle delay on the fake clock, and long before the five-minute flush interval.
        Assert.InRange(advanced, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        Assert.Equal(1, server.BulkRequests);
        Assert.Equal(5, server.CountDocuments(Target));
    }

    [Fact]
    public async Task A_batch_that_does_not_fill_up_is_sent_once_the_sinks_clock_passes_the_flush_interval()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        await using var sink = await StartAsync(server, b =>
        {
            b.FlushInterval = TimeSpan.FromMinutes(1);
            b.IdleFlushDelay = TimeSpan.Zero;
        });
        await WriteAsync(sink, 5);
        await FakeClockSteps.UntilTakenAsync(sink);

        var advanced = await FakeClockSteps.AdvanceUntilAsync(_time, TimeSpan.FromSeconds(5),
            () => _acknowledger.AcknowledgedCount == 5, limit: TimeSpan.FromMinutes(5));

        // A minute on the fake clock, a second or so of real time.
        Assert.InRange(advanced, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        Assert.Equal(1, server.BulkRequests);
    }

    [Fact]
    public async Task Full_batches_are_sent_while_the_clock_stands_still_and_the_rest_when_it_reaches_the_flush_interval()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        await using var sink = await StartAsync(server, b =>
        {
            b.MaxDocuments = 10;
            b.FlushInterval = TimeSpan.FromSeconds(1);
            b.IdleFlushDelay = TimeSpan.Zero;
        });
        await WriteAsync(sink, 25);

        await FakeClockSteps.UntilAsync(() => _acknowledger.AcknowledgedCount >= 20);
        await FakeClockSteps.UntilTakenAsync(sink);
        Assert.Equal(20, _acknowledger.AcknowledgedCount);
        Assert.Equal(2, server.BulkRequests);

        await FakeClockSteps.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(250),
            () => _acknowledger.AcknowledgedCount == 25, limit: TimeSpan.FromMinutes(1));
        Assert.Equal(3, server.BulkRequests);
        Assert.Equal(25, server.CountDocuments(Target));
    }

    [Fact]
    public async Task Items_answered_429_wait_out_their_backoff_on_the_sinks_clock()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.Seed = 3;
        server.Faults.ItemRejectionRate = 0.5;
        await using var sink = await StartAsync(server, b =>
        {
            b.RetryInitialDelay = TimeSpan.FromSeconds(10);
            b.RetryMaxDelay = TimeSpan.FromSeconds(10);
        });
        await WriteAsync(sink, 200);
        var flush = sink.FlushAsync(SinkScenarios.Timeout(60));

        // Each answer leaves about half the items to retry, and the sink waits out its backoff on its clock: a one-shot
        // timer there. The clock is moved only once that timer is armed, and exactly to it, so every round is decided by
        // the fake clock alone, however long the machine takes between rounds.
        await FakeClockSteps.UntilAsync(() => _acknowledger.AcknowledgedCount > 0);
        var backoffs = new List<TimeSpan>();
        while (true)
        {
            await FakeClockSteps.UntilAsync(() => flush.IsCompleted || _time.ArmedOnce.Count > 0);
            if (flush.IsCompleted)
            {
                break;
            }

            var backoff = Assert.Single(_time.ArmedOnce);
            var requests = server.BulkRequests;
            backoffs.Add(backoff.DueTime);
            _time.Advance(backoff.Remaining - TimeSpan.FromTicks(1));
            Assert.False(backoff.Fired, $"the backoff of {backoff.DueTime} ended before the sink's clock reached it");
            Assert.Equal(requests, server.BulkRequests);

            _time.Advance(TimeSpan.FromTicks(1));
            await FakeClockSteps.UntilAsync(() => backoff.Fired && (server.BulkRequests > requests || flush.IsCompleted));
        }

        await flush;
        Assert.True(backoffs.Count >= 2, $"{backoffs.Count} retries; half the items refused at each answer should take several");
        // RetryInitialDelay = RetryMaxDelay = 10 s, and the jitter takes between half and all of it.
        Assert.All(backoffs, b => Assert.InRange(b, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)));
        Assert.Equal(backoffs.Count + 1, server.BulkRequests);
        Assert.Equal(200, _acknowledger.AcknowledgedCount);
        Assert.Equal(200, server.CountDocuments(Target));
    }
}
