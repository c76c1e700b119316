using LogPipeline.Demo.Kafka;
using LogPipeline.Testing;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceBackpressureTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";

    [Fact]
    public async Task A_sink_stalled_for_30_seconds_keeps_memory_under_the_bound_pauses_and_then_resumes()
    {
        const int partitions = 6, perPartition = 4_000, recordSize = 1_000; // ~4 MB per partition before compression
        const long maxInFlightBytes = 2 * 1024 * 1024;
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(Topic, partitions);
        cluster.CreateTopic(Topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, partitions, perPartition, (p, i) => KafkaTestRecords.LogLine(p, i, recordSize));
        var sink = new InMemoryRecordSink(capacity: 500);
        sink.Stall();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var run = SourceRun.Start(cluster, Topic, "stall", output, sink: sink,
            configure: o => { o.MaxInFlightBytes = maxInFlightBytes; o.MaxInFlightRecords = 100_000; });

        await KafkaTestKit.WaitUntil(() => run.Source.PauseCount > 0, "partitions paused", state: () => KafkaTestKit.Describe(run));
        long maxInFlight = 0, maxGauge = 0, maxHeap = 0;
        var stallEnds = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var nextHeapSample = DateTime.UtcNow;
        while (DateTime.UtcNow < stallEnds)
        {
            maxInFlight = Math.Max(maxInFlight, run.Source.InFlightBytes);
            maxGauge = Math.Max(maxGauge, (long)run.Metrics.InFlightBytes.Value);
            if (DateTime.UtcNow >= nextHeapSample)
            {
                maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(forceFullCollection: true) - heapBefore);
                nextHeapSample = DateTime.UtcNow.AddSeconds(2);
            }

            await Task.Delay(100);
        }

        var receivedWhileStalled = run.Source.ReceivedRecords;
        var pausedPartitions = run.Metrics.PausedPartitions.Value;
        sink.Resume();
        await KafkaTestKit.WaitUntil(() => sink.StoredCount == partitions * perPartition, "all records stored after the stall",
            state: () => KafkaTestKit.Describe(run));
        await run.StopAsync();

        output.WriteLine($"bound {maxInFlightBytes} B; max in-flight {maxInFlight} B (gauge {maxGauge} B); max GC heap growth {maxHeap} B; " +
            $"received while stalled {receivedWhileStalled} of {partitions * perPartition}; pauses {run.Source.PauseCount}, resumes {run.Source.ResumeCount}");
        // One record may cross the bound before the pause takes effect.
        Assert.InRange(maxInFlight, maxInFlightBytes, maxInFlightBytes + 4 * recordSize);
        Assert.InRange(maxGauge, 1, maxInFlightBytes + 4 * recordSize);
        Assert.True(maxHeap < 4 * maxInFlightBytes + 16 * 1024 * 1024, $"GC heap grew by {maxHeap} B while stalled");
        Assert.True(receivedWhileStalled < partitions * perPartition / 2, $"consumption stopped while stalled ({receivedWhileStalled} received)");
        Assert.Equal(partitions, pausedPartitions);
        Assert.True(run.Source.ResumeCount > 0);
        Assert.True(run.Metrics.BackpressureSeconds.Value >= 25, $"backpressure counted {run.Metrics.BackpressureSeconds.Value} s of a 30 s stall");
        Assert.Equal(partitions * perPartition, sink.Stored.Distinct().Count());
        Assert.Equal(0, run.Source.InFlightBytes);
        Assert.Equal(0, run.Source.InFlightRecords);
    }

    [Fact]
    public async Task A_sink_that_keeps_up_slowly_holds_the_source_at_the_bound_without_pausing_it()
    {
        const int partitions = 3, perPartition = 3_000;
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, partitions);
        cluster.CreateTopic(Topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, partitions, perPartition);
        // Acknowledges 100 records every 5 ms: the bound of 500 is reached at once and room is made within
        // milliseconds, never a second.
        var sink = new InMemoryRecordSink { AckDelay = TimeSpan.FromMilliseconds(5), BatchSize = 100 };
        var run = SourceRun.Start(cluster, Topic, "hold", output, sink: sink,
            configure: o => { o.MaxInFlightRecords = 500; o.PauseAfter = TimeSpan.FromSeconds(10); });

        await KafkaTestKit.WaitUntil(() => sink.StoredCount == partitions * perPartition, "all records stored", state: () => KafkaTestKit.Describe(run));
        await run.StopAsync();

        output.WriteLine($"holds {run.Source.HoldCount}, pauses {run.Source.PauseCount}, held {run.Metrics.BackpressureSeconds.Value:0.00} s");
        Assert.True(run.Source.HoldCount > 10, $"the source reached its bound {run.Source.HoldCount} times");
        Assert.Equal(0, run.Source.PauseCount);
        Assert.True(run.Metrics.BackpressureSeconds.Value > 0);
        Assert.Equal(partitions * perPartition, sink.Stored.Distinct().Count());
        Assert.Equal(0, run.Source.InFlightRecords);
    }
}
