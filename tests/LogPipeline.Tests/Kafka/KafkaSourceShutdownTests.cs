using System.Diagnostics;
using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using LogPipeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceShutdownTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";

    [Fact]
    public async Task A_stop_whose_drain_passes_its_deadline_is_reported_as_incomplete_with_the_records_left_unacknowledged()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 1, 300);
        var sink = new InMemoryRecordSink();
        sink.Stall();
        KafkaSourceOptions? options = null;
        KafkaPipelineSource? worker = null;
        bool? complete = null;
        var run = SourceRun.Start(cluster, Topic, "stop-report", output, configure: o => options = o, sink: sink,
            host: async (source, token) =>
            {
                // As the worker runs it: through the hosting adapter, whose answer decides the exit code.
                worker = new KafkaPipelineSource(source, options!, new ConsumerConfig(), NullLogger.Instance);
                complete = await worker.RunAsync(TimeSpan.FromSeconds(1), token);
            });
        await KafkaTestKit.WaitUntil(() => run.Source.ReceivedRecords == 300, "every record received (none acknowledged)",
            state: () => KafkaTestKit.Describe(run));

        await run.StopAsync();

        Assert.False(complete);
        var report = Assert.IsType<KafkaSourceStopReport>(run.Source.StopReport);
        Assert.Equal(300, report.UnacknowledgedRecords);
        Assert.False(report.Drained);
        Assert.Contains("300 records were not acknowledged", worker!.DescribeIncompleteStop());
        Assert.Equal(0, run.Source.InFlightRecords); // what the worker used to read: reset by closing the partitions
        Assert.DoesNotContain(KafkaTestKit.Committed(cluster, "stop-report", Topic, 1).Values, o => o >= 0);
    }

    [Fact]
    public async Task A_stop_that_drained_and_committed_everything_is_reported_complete()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 2);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, 200);
        KafkaSourceOptions? options = null;
        bool? complete = null;
        var run = SourceRun.Start(cluster, Topic, "stop-complete", output, configure: o => options = o,
            host: async (source, token) =>
                complete = await new KafkaPipelineSource(source, options!, new ConsumerConfig(), NullLogger.Instance).RunAsync(TimeSpan.FromSeconds(10), token));
        await KafkaTestKit.WaitUntil(() => run.Source.AcknowledgedRecords == 400, "every record acknowledged", state: () => KafkaTestKit.Describe(run));

        await run.StopAsync();

        Assert.True(complete);
        var report = Assert.IsType<KafkaSourceStopReport>(run.Source.StopReport);
        Assert.Equal(0, report.UnacknowledgedRecords);
        Assert.True(report.Committed);
        Assert.All(KafkaTestKit.Committed(cluster, "stop-complete", Topic, 2).Values, o => Assert.Equal(200, o));
    }

    [Fact]
    public async Task A_stop_requested_during_a_revoke_drain_ends_within_the_drain_timeout_counted_from_the_request()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 2);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, 100);
        var stalled = new InMemoryRecordSink();
        stalled.Stall();
        // The revoke would wait a minute for the stalled sink; the stop allows two seconds.
        var first = SourceRun.Start(cluster, Topic, "stop-in-revoke", output, name: "first", sink: stalled, configure: o =>
        {
            o.RevokeDrainTimeout = TimeSpan.FromSeconds(60);
            o.DrainTimeout = TimeSpan.FromSeconds(2);
        });
        await KafkaTestKit.WaitUntil(() => first.Source.ReceivedRecords == 200, "both partitions in flight", state: () => KafkaTestKit.Describe(first));

        var second = SourceRun.Start(cluster, Topic, "stop-in-revoke", output, name: "second");
        await KafkaTestKit.WaitUntil(() => first.Metrics.Rebalances.WithLabels("revoked").Value > 0, "the first worker starts a revoke",
            state: () => KafkaTestKit.Describe(first, second));
        await Task.Delay(500); // well inside the revoke's drain
        var stopping = Stopwatch.StartNew();
        await first.StopAsync(TimeSpan.FromSeconds(45));
        stopping.Stop();
        await second.StopAsync();

        output.WriteLine($"stopped in {stopping.Elapsed.TotalSeconds:0.0} s");
        // Two seconds of drain, then the commit, leaving the group (bounded at 10 s) and closing the partitions.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the stop took {stopping.Elapsed}");
        Assert.False(first.Source.StopReport!.Value.Drained);
    }
}
