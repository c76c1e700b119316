using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Testing;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceLagTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Consumer_lag_is_exposed_for_every_assigned_partition_before_any_record_is_received()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 4);
        // Partition 0 gets 20 records, partition 1 gets 10, partitions 2 and 3 none; the group committed 5 on
        // partition 0 earlier, and nothing elsewhere (the consumer starts at the earliest offset there).
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 1, 10);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, 10);
        CommitForGroup(cluster, "lag", new TopicPartitionOffset(Topic, 0, 5));
        // No fetch succeeds, so the source receives nothing: only the lag probe can know where partitions stand.
        cluster.InjectRequestErrors(KafkaApiKey.Fetch, Enumerable.Repeat(ErrorCode.NotLeaderForPartition, 100_000).ToArray());
        var run = SourceRun.Start(cluster, Topic, "lag", output);

        await KafkaTestKit.WaitUntil(() => Lags(run.Metrics) is { Count: 4 } lags && lags[0] == 15 && lags[1] == 10 && lags[2] == 0 && lags[3] == 0,
            "lag of every partition", Wait, () => Describe(run));
        Assert.Equal(0, run.Source.ReceivedRecords);
        Assert.Equal([15L, 10L, 0L, 0L], run.Source.GetPartitionStatus().Select(s => s.Lag ?? -1));

        cluster.ClearRequestErrors(KafkaApiKey.Fetch);
        await KafkaTestKit.WaitUntil(() => run.Sink.StoredCount == 25 && Lags(run.Metrics).Values.All(l => l == 0),
            "backlog consumed and lag zero", state: () => Describe(run));
        await run.StopAsync();

        Assert.Empty(run.Metrics.ConsumerLag.GetAllLabelValues());
    }

    [Fact]
    public async Task Without_a_committed_offset_a_latest_reset_consumer_reports_no_lag_for_the_old_backlog()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 2);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, 10);
        cluster.InjectRequestErrors(KafkaApiKey.Fetch, Enumerable.Repeat(ErrorCode.NotLeaderForPartition, 100_000).ToArray());
        var run = SourceRun.Start(cluster, Topic, "latest", output, configureConsumer: c => c.AutoOffsetReset = AutoOffsetReset.Latest);

        // The consumer will start at the end: the 20 records already there are not its backlog.
        await KafkaTestKit.WaitUntil(() => Lags(run.Metrics) is { Count: 2 } lags && lags.Values.All(l => l == 0) && ProbedAll(run),
            "lag of both partitions", Wait, () => Describe(run));
        Assert.Equal(0, run.Source.ReceivedRecords);

        cluster.ClearRequestErrors(KafkaApiKey.Fetch);
        await run.StopAsync();
    }

    [Fact]
    public async Task Lag_series_follow_the_assignment_through_a_rebalance_and_go_with_revoked_partitions()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 4);
        var first = SourceRun.Start(cluster, Topic, "rebalance-lag", output, name: "first", traceGroup: true);
        await KafkaTestKit.WaitUntil(() => Lags(first.Metrics).Count == 4, "lag of all four idle partitions", Wait, () => Describe(first));

        // A cooperative rebalance takes two rounds (the first revokes, the second assigns what was revoked), and the
        // mock broker holds every round open for session.timeout.ms - 1 s = 5 s; a member late to a round (a starved
        // heartbeat thread) costs another round. So no tighter deadline than the other Kafka tests' default here;
        // a timeout shows both members' group trace.
        var second = SourceRun.Start(cluster, Topic, "rebalance-lag", output, name: "second", traceGroup: true);
        await KafkaTestKit.WaitUntil(
            () => first.Source.AssignedPartitionCount == 2 && second.Source.AssignedPartitionCount == 2
                && SeriesMatchAssignment(first) && SeriesMatchAssignment(second),
            "each worker reports lag of exactly its own partitions", state: () =>
                $"{Describe(first)} | {Describe(second)}\nfirst:\n{first.GroupTrace}\nsecond:\n{second.GroupTrace}");
        Assert.All(Lags(first.Metrics).Values.Concat(Lags(second.Metrics).Values), lag => Assert.Equal(0, lag));

        await second.StopAsync();
        Assert.Empty(second.Metrics.ConsumerLag.GetAllLabelValues());
        await KafkaTestKit.WaitUntil(() => first.Source.AssignedPartitionCount == 4 && SeriesMatchAssignment(first),
            "the remaining worker reports all four again", Wait, () => Describe(first));
        await first.StopAsync();
    }

    private static bool ProbedAll(SourceRun run) => run.Source.GetPartitionStatus().All(s => s.Lag is not null);

    private static bool SeriesMatchAssignment(SourceRun run) =>
        Lags(run.Metrics).Keys.Order().SequenceEqual(run.Source.GetPartitionStatus().Select(s => s.Partition).Order());

    /// <summary>The lag series that exist (read without creating any), by partition.</summary>
    private static Dictionary<int, double> Lags(PipelineMetrics metrics) =>
        metrics.ConsumerLag.GetAllLabelValues().ToDictionary(l => int.Parse(l[1]), l => metrics.ConsumerLag.WithLabels(l).Value);

    private static string Describe(SourceRun run) =>
        $"{run.Source} lags: {string.Join(", ", Lags(run.Metrics).OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))}";

    private static void CommitForGroup(EmbeddedKafkaCluster cluster, string group, TopicPartitionOffset offset)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        consumer.Commit([offset]);
    }
}
