using LogPipeline.Demo.Kafka;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceEarlierAssignmentTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";
    private const int PerPartition = 50;

    [Fact]
    public async Task A_sink_rejection_of_a_record_from_an_earlier_assignment_is_not_dead_lettered_after_the_partition_came_back()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 2);
        cluster.CreateTopic(Topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, PerPartition);
        // The first worker's sink keeps the first record of each partition without a verdict, as a slow bulk request would.
        var holding = new HoldingSink(new InMemoryRecordSink(), r => r.Origin.Offset == 0);
        var first = SourceRun.Start(cluster, Topic, "earlier", output, name: "first", sinkInFront: holding,
            sink: holding.Inner, configure: o => o.RevokeDrainTimeout = TimeSpan.FromSeconds(1));
        await KafkaTestKit.WaitUntil(() => holding.Held.Count == 2 && first.Sink.StoredCount == 2 * PerPartition - 2, "both partitions consumed, offset 0 of each held",
            state: () => KafkaTestKit.Describe(first));

        // One partition moves to a second worker (its held record unacknowledged, so not committed) and comes back
        // when that worker leaves: the first worker now runs a new assignment of it.
        var second = SourceRun.Start(cluster, Topic, "earlier", output, name: "second");
        await KafkaTestKit.WaitUntil(() => second.Sink.StoredCount == PerPartition && first.Source.AssignedPartitionCount == 1,
            "the moved partition consumed by the second worker", state: () => KafkaTestKit.Describe(first, second));
        var moved = second.Sink.Stored[0].Partition;
        await second.StopAsync();
        await KafkaTestKit.WaitUntil(() => first.Source.AssignedPartitionCount == 2, "the partition back with the first worker",
            state: () => KafkaTestKit.Describe(first));

        // Now the sink refuses both held records for good.
        foreach (var record in holding.Held)
        {
            holding.Acknowledger.Reject(record, "mapper_parsing_exception", "refused");
        }

        await KafkaTestKit.WaitUntil(() => first.Source.DeadLetteredRecords == 1, "the record of the current assignment dead-lettered",
            state: () => KafkaTestKit.Describe(first));
        var dead = KafkaTestKit.ReadAll(cluster, Topic + ".dlq", 2, TimeSpan.FromSeconds(5));
        await first.StopAsync();

        // Only the record of the partition that never moved; the moved one was stored by the second worker.
        var only = Assert.Single(dead);
        Assert.True(DeadLetterHeaders.TryReadOrigin(only.Message.Headers, out var origin));
        Assert.Equal(new RecordOrigin(Topic, 1 - moved, 0), origin);
        Assert.Contains(new RecordOrigin(Topic, moved, 0), second.Sink.Stored);
    }

    /// <summary>Passes records to <see cref="Inner"/>, except those <paramref name="hold"/> picks the first time: those
    /// it keeps without a verdict until the test gives one through <see cref="Acknowledger"/>.</summary>
    private sealed class HoldingSink(InMemoryRecordSink inner, Func<PipelineRecord, bool> hold) : IRecordSink
    {
        private readonly HashSet<RecordOrigin> seen = [];

        public InMemoryRecordSink Inner => inner;

        private readonly List<PipelineRecord> held = [];

        public IReadOnlyList<PipelineRecord> Held
        {
            get
            {
                lock (seen)
                {
                    return held.ToList();
                }
            }
        }

        public IRecordAcknowledger Acknowledger { get; private set; } = null!;

        public bool IsHealthy => inner.IsHealthy;

        public Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
        {
            Acknowledger = acknowledger;
            return inner.StartAsync(acknowledger, cancellationToken);
        }

        public ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
        {
            lock (seen)
            {
                if (hold(record) && seen.Add(record.Origin))
                {
                    held.Add(record);
                    return ValueTask.CompletedTask;
                }
            }

            return inner.WriteAsync(record, cancellationToken);
        }

        public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
