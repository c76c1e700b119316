using System.Text;
using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using LogPipeline.Testing;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceUncommittedGapTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";
    private const int PerPartition = 4_000, Bound = 1_000;

    [Fact]
    public async Task A_dead_letter_write_that_keeps_failing_pauses_only_its_partition_at_the_bound_and_it_resumes_once_the_write_succeeds()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 2);
        cluster.CreateTopic(Topic + ".dlq", 1);
        // Partition 0 starts with a poison record; everything after it, and all of partition 1, is fine.
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, PerPartition,
            (p, i) => p == 0 && i == 0 ? Encoding.UTF8.GetBytes("not json") : KafkaTestRecords.LogLine(p, i));
        // The dead-letter topic refuses every write (as with a missing write permission).
        cluster.InjectRequestErrors(KafkaApiKey.Produce, Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, 100_000).ToArray());
        // In-flight bound below the gap bound: a healthy partition is held by the in-flight bound long before its
        // offset state reaches the gap bound, so only the stuck partition can reach it.
        var run = SourceRun.Start(cluster, Topic, "gap", output, configure: o =>
        {
            o.MaxUncommittedPerPartition = Bound;
            o.MaxInFlightRecords = Bound / 2;
        });

        await KafkaTestKit.WaitUntil(() => run.Metrics.UncommittedGapPausedPartitions.Value == 1 && run.Sink.Stored.Count(o => o.Partition == 1) == PerPartition,
            "partition 0 paused at the bound, partition 1 consumed whole", state: () => KafkaTestKit.Describe(run));
        await Task.Delay(TimeSpan.FromSeconds(1)); // time to take more of partition 0, were it not paused
        var status = run.Source.GetPartitionStatus().Single(s => s.Partition == 0);
        var received = run.Source.ReceivedRecords - PerPartition;
        Assert.InRange(received, Bound, Bound + 1_000); // what librdkafka had fetched before the pause took effect
        Assert.Null(status.AcknowledgedOffset);
        Assert.Equal(0, run.Source.DeadLetteredRecords);

        cluster.ClearRequestErrors(KafkaApiKey.Produce);
        await KafkaTestKit.WaitUntil(() => run.Source.AcknowledgedRecords == 2 * PerPartition && run.Metrics.UncommittedGapPausedPartitions.Value == 0,
            "partition 0 resumed and consumed whole", state: () => KafkaTestKit.Describe(run));
        await run.StopAsync();

        Assert.Equal(1, run.Source.DeadLetteredRecords);
        Assert.All(KafkaTestKit.Committed(cluster, "gap", Topic, 2).Values, o => Assert.Equal(PerPartition, o));
    }
}
