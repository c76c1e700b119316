using LogPipeline.Demo.Kafka;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

/// <summary>At-least-once delivery across normal operation, crashes and rebalances, on the embedded cluster.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceDeliveryTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";

    private static EmbeddedKafkaCluster Cluster(int partitions)
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(Topic, partitions);
        cluster.CreateTopic(Topic + ".dlq", 1);
        return cluster;
    }

    [Fact]
    public async Task Two_workers_in_one_group_deliver_100000_records_exactly_once_in_offset_order()
    {
        const int partitions = 6, perPartition = 16_667; // 100,002 records, ~3.3 MB per partition
        using var cluster = Cluster(partitions);
        var a = SourceRun.Start(cluster, Topic, "exactly-once", output, name: "a");
        var b = SourceRun.Start(cluster, Topic, "exactly-once", output, name: "b");
        await KafkaTestKit.WaitUntil(() => a.Source.AssignedPartitionCount + b.Source.AssignedPartitionCount == partitions
                && a.Source.State == KafkaSourceState.Assigned && b.Source.State == KafkaSourceState.Assigned,
            "both workers assigned", state: () => KafkaTestKit.Describe(a, b));

        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, partitions, perPartition);
        await KafkaTestKit.WaitUntil(() => a.Sink.StoredCount + b.Sink.StoredCount >= partitions * perPartition,
            "all records stored", state: () => KafkaTestKit.Describe(a, b));
        await a.StopAsync();
        await b.StopAsync();

        var all = a.Sink.Stored.Concat(b.Sink.Stored).ToList();
        Assert.Equal(partitions * perPartition, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        KafkaTestKit.AssertNoneMissing(all, partitions, perPartition);
        Assert.True(a.Sink.StoredCount > 0 && b.Sink.StoredCount > 0, KafkaTestKit.Describe(a, b));
        foreach (var run in new[] { a, b })
        {
            foreach (var (partition, offsets) in KafkaTestKit.ByPartition(run.Sink.Stored))
            {
                Assert.True(offsets.Zip(offsets.Skip(1)).All(x => x.First < x.Second), $"partition {partition} out of order");
            }

            Assert.Equal(0, run.Processor.OutOfOrderCount);
            Assert.Equal(KafkaSourceState.Stopped, run.Source.State);
        }

        Assert.All(KafkaTestKit.Committed(cluster, "exactly-once", Topic, partitions).Values, o => Assert.Equal(perPartition, o));
    }

    [Fact]
    public async Task A_worker_killed_without_committing_and_restarted_misses_nothing_and_duplicates_only_the_uncommitted_window()
    {
        const int partitions = 6, perPartition = 10_000;
        using var cluster = Cluster(partitions);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, partitions, perPartition);
        var slowSink = new InMemoryRecordSink { AckDelay = TimeSpan.FromMilliseconds(20), BatchSize = 200 };
        var a = SourceRun.Start(cluster, Topic, "crash", output, sink: slowSink, name: "a");
        await KafkaTestKit.WaitUntil(() => a.Sink.StoredCount >= 20_000, "first worker half way", state: () => KafkaTestKit.Describe(a));

        await a.AbandonAsync();
        var committed = KafkaTestKit.Committed(cluster, "crash", Topic, partitions);
        var b = SourceRun.Start(cluster, Topic, "crash", output, name: "b");
        var total = partitions * perPartition;
        await KafkaTestKit.WaitUntil(() => a.Sink.Stored.Concat(b.Sink.Stored).Distinct().Count() == total,
            "every record stored by one of the workers", state: () => KafkaTestKit.Describe(a, b));
        await b.StopAsync();

        KafkaTestKit.AssertNoneMissing(a.Sink.Stored.Concat(b.Sink.Stored), partitions, perPartition);
        Assert.Contains(committed.Values, o => o > 0);
        var firstOfB = KafkaTestKit.ByPartition(b.Sink.Stored).ToDictionary(kv => kv.Key, kv => kv.Value[0]);
        var duplicates = a.Sink.Stored.Intersect(b.Sink.Stored).ToList();
        for (var p = 0; p < partitions; p++)
        {
            var resumeAt = committed[p] < 0 ? 0 : committed[p];
            // The restarted worker resumes exactly at the committed offset (nothing to do if all was committed).
            if (firstOfB.TryGetValue(p, out var first))
            {
                Assert.Equal(resumeAt, first);
            }
            else
            {
                Assert.Equal(perPartition, resumeAt);
            }

            Assert.All(duplicates.Where(d => d.Partition == p), d => Assert.True(d.Offset >= resumeAt));
        }

        output.WriteLine($"committed at crash: {string.Join(",", committed.Values)}; duplicates: {duplicates.Count}");
    }

    [Fact]
    public async Task A_second_worker_joining_and_then_leaving_mid_stream_loses_nothing()
    {
        const int partitions = 6, perPartition = 5_000;
        using var cluster = Cluster(partitions);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, partitions, perPartition);
        // The first worker is slow (about 1,000 records/s) so the stream is still flowing when the group
        // rebalances; the mock coordinator takes a few seconds per cooperative rebalance phase.
        var a = SourceRun.Start(cluster, Topic, "join-leave", output, name: "a",
            configure: o => o.MaxInFlightRecords = 1_000,
            sink: new InMemoryRecordSink { AckDelay = TimeSpan.FromMilliseconds(10), BatchSize = 10 });
        await KafkaTestKit.WaitUntil(() => a.Sink.StoredCount >= 2_000, "first worker started", state: () => KafkaTestKit.Describe(a));

        var b = SourceRun.Start(cluster, Topic, "join-leave", output, name: "b", configure: o => o.MaxInFlightRecords = 1_000);
        await KafkaTestKit.WaitUntil(() => b.Sink.StoredCount >= 1_000, "second worker took over partitions", state: () => KafkaTestKit.Describe(a, b));
        Assert.True(b.Source.AssignedPartitionCount is > 0 and < partitions, KafkaTestKit.Describe(a, b));
        await b.StopAsync();
        a.Sink.AckDelay = TimeSpan.Zero;
        a.Sink.BatchSize = 500;

        var total = partitions * perPartition;
        await KafkaTestKit.WaitUntil(() => a.Sink.Stored.Concat(b.Sink.Stored).Distinct().Count() == total,
            "every record stored", state: () => KafkaTestKit.Describe(a, b));
        await KafkaTestKit.WaitUntil(() => a.Source.AssignedPartitionCount == partitions, "first worker owns all partitions again",
            state: () => KafkaTestKit.Describe(a, b));
        await a.StopAsync();

        KafkaTestKit.AssertNoneMissing(a.Sink.Stored.Concat(b.Sink.Stored), partitions, perPartition);
        Assert.True(a.Processor.DisposedCount > 0, "revoked partitions dispose their processors (trace state)");
        Assert.Equal(a.Processor.CreatedCount, a.Processor.DisposedCount);
        Assert.All(new[] { a, b }, r => Assert.Equal((0L, 0L), (r.Source.InFlightBytes, r.Source.InFlightRecords)));
        Assert.Equal(0, a.Processor.OutOfOrderCount);
        Assert.Equal(0, b.Processor.OutOfOrderCount);
        Assert.All(KafkaTestKit.Committed(cluster, "join-leave", Topic, partitions).Values, o => Assert.Equal(perPartition, o));
    }

    [Fact]
    public async Task A_failing_sink_stops_the_source_with_an_error_for_the_host()
    {
        using var cluster = Cluster(2);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, 10);
        var run = SourceRun.Start(cluster, Topic, "failing-sink", output, sink: null);
        var failing = new FailingSink();
        var source = new KafkaSource(new KafkaSourceOptions { Topics = [Topic] },
            new Confluent.Kafka.ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "failing-sink-2", SessionTimeoutMs = 6000 },
            new Confluent.Kafka.ProducerConfig(), new PassThroughRecordProcessor(), failing, new LogPipeline.Diagnostics.PipelineMetrics());
        await run.StopAsync();

        var e = await Assert.ThrowsAsync<KafkaSourceException>(() => source.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("disk on fire", e.Message);
        Assert.Equal(KafkaSourceState.Failed, source.State);
        Assert.False(source.IsReady);
    }

    private sealed class FailingSink : IRecordSink
    {
        public bool IsHealthy => false;

        public Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken) =>
            throw new IOException("disk on fire");

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
