using System.Text;
using Confluent.Kafka;
using Enrichers;
using LogPipeline.Diagnostics;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using LogPipeline.Kafka.Embedded;
using LogPipeline.Pipeline;
using LogPipeline.Testing;

namespace LogPipeline.Tests.Kafka;

/// <summary>Values and enriched documents live in reused slabs: under a small in-flight bound every slab is reused
/// many times, and each stored document must still be exactly its own record's.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSourcePooledBufferTests
{
    private const string Topic = "pooled";

    private static byte[] Line(int p, int i) =>
        Encoding.UTF8.GetBytes($$"""{"@timestamp":"2026-11-26T12:00:00Z","service_name":"model-router","p":{{p}},"i":{{i}},"message":"{{new string((char)('a' + (i % 26)), 40 + (i % 200))}}"}""");

    [Fact]
    public async Task Every_document_is_its_own_records_after_the_slabs_were_reused_many_times()
    {
        const int partitions = 4, perPartition = 5_000;
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, partitions);
        cluster.CreateTopic(Topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, partitions, perPartition, Line);

        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        var sink = new InMemoryRecordSink { KeepDocuments = true, BatchSize = 100 };
        var options = new KafkaSourceOptions
        {
            Topics = [Topic],
            CommitInterval = TimeSpan.FromMilliseconds(500),
            MaxInFlightRecords = 300,
        };
        var consumer = new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "pooled", SessionTimeoutMs = 6000 };
        // Slabs of 4 KiB hold a dozen records, so each is released and reused while its neighbours are in flight.
        var processor = new EnrichingRecordProcessor(chain, new RecordBufferPool(maxFreeSlabs: 4, slabSize: 4096));
        var source = new KafkaSource(options, consumer, new ProducerConfig(), processor, sink, new PipelineMetrics())
        {
            Values = new RecordBufferPool(maxFreeSlabs: 4, slabSize: 4096),
        };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => source.RunAsync(stop.Token));
        await KafkaTestKit.WaitUntil(() => sink.StoredCount >= partitions * perPartition, "all records stored",
            state: () => source.ToString());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        var documents = sink.Documents;
        Assert.Equal(partitions * perPartition, documents.Count);
        Assert.True(source.PauseCount > 0, "the in-flight bound never paused the source, so slabs may not have been reused");
        foreach (var (origin, document) in documents)
        {
            var text = Encoding.UTF8.GetString(document);
            var i = (int)origin.Offset;
            Assert.Contains($"\"p\":{origin.Partition},\"i\":{i},", text);
            Assert.Contains($"\"message\":\"{new string((char)('a' + (i % 26)), 40 + (i % 200))}\"", text);
        }
    }

    [Fact]
    public async Task A_value_that_cannot_be_copied_into_a_slab_is_delivered_from_its_raw_bytes_not_skipped()
    {
        const int partitions = 2, perPartition = 2_000;
        const string topic = "pooled-oom";
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions);
        cluster.CreateTopic(topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, topic, partitions, perPartition, Line);

        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        var sink = new InMemoryRecordSink { KeepDocuments = true, BatchSize = 100 };
        var options = new KafkaSourceOptions { Topics = [topic], CommitInterval = TimeSpan.FromMilliseconds(500), MaxInFlightRecords = 300 };
        var consumer = new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "pooled-oom", SessionTimeoutMs = 6000 };
        var allocations = 0;
        var metrics = new PipelineMetrics();
        var source = new KafkaSource(options, consumer, new ProducerConfig(), new EnrichingRecordProcessor(chain), sink, metrics)
        {
            // Every third value slab cannot be allocated, as under a heap hard limit.
            Values = new RecordBufferPool(maxFreeSlabs: 0, slabSize: 4096)
            {
                AllocateSlab = size => ++allocations % 3 == 0 ? throw new OutOfMemoryException("injected") : new byte[size],
            },
        };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => source.RunAsync(stop.Token));
        await KafkaTestKit.WaitUntil(() => sink.StoredCount >= partitions * perPartition, "all records stored",
            state: () => source.ToString());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(allocations > 30, $"only {allocations} slab allocations");
        Assert.True(metrics.ComponentErrors.WithLabels(LogPipeline.Diagnostics.PipelineMetrics.Stages.Receiving, "Local_ValueDeserialization").Value > 0);
        var documents = sink.Documents;
        Assert.Equal(partitions * perPartition, documents.Select(d => d.Origin).Distinct().Count());
        foreach (var (origin, document) in documents)
        {
            Assert.Contains($"\"p\":{origin.Partition},\"i\":{origin.Offset},", Encoding.UTF8.GetString(document));
        }
    }
}
