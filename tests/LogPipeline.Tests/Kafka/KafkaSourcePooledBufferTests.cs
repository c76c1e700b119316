using System.Text;
using Confluent.Kafka;
using Enrichers;
using LogPipeline.Demo.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing;

namespace LogPipeline.Tests.Kafka;

/// <summary>Values and enriched documents live in reused slabs: under a small in-flight bound every slab is reused
/// many times, and each stored document must still be exactly its own record's.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSourcePooledBufferTests
{
    private static byte[] Line(int p, int i) =>
        Encoding.UTF8.GetBytes($$"""{"@timestamp":"2026-11-26T12:00:00Z","service_name":"model-router","p":{{p}},"i":{{i}},"message":"{{Message(i)}}"}""");

    private static string Message(long i) => new((char)('a' + (i % 26)), 40 + (int)(i % 200));

    /// <summary>Runs the source with the real processor over <paramref name="partitions"/> × <paramref name="perPartition"/>
    /// records, 300 in flight at most, and returns what the sink stored.</summary>
    private static async Task<(KafkaSource Source, IReadOnlyList<(RecordOrigin Origin, byte[] Document)> Documents)> RunAsync(
        string topic, int partitions, int perPartition, RecordBufferPool values, RecordBufferPool documents, PipelineMetrics metrics)
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions);
        cluster.CreateTopic(topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, topic, partitions, perPartition, Line);

        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        var sink = new InMemoryRecordSink { KeepDocuments = true, BatchSize = 100 };
        var options = new KafkaSourceOptions { Topics = [topic], CommitInterval = TimeSpan.FromMilliseconds(500), MaxInFlightRecords = 300 };
        var consumer = new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = topic, SessionTimeoutMs = 6000 };
        var source = new KafkaSource(options, consumer, new ProducerConfig(), new EnrichingRecordProcessor(chain, documents), sink, metrics)
        {
            Values = values,
        };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => source.RunAsync(stop.Token));
        await KafkaTestKit.WaitUntil(() => sink.StoredCount >= partitions * perPartition, "all records stored",
            state: () => source.ToString());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        return (source, sink.Documents);
    }

    private static void AssertEachDocumentIsItsRecords(IReadOnlyList<(RecordOrigin Origin, byte[] Document)> documents, int expected)
    {
        Assert.Equal(expected, documents.Select(d => d.Origin).Distinct().Count());
        foreach (var (origin, document) in documents)
        {
            var text = Encoding.UTF8.GetString(document);
            Assert.Contains($"\"p\":{origin.Partition},\"i\":{origin.Offset},", text);
            Assert.Contains($"\"message\":\"{Message(origin.Offset)}\"", text);
        }
    }

    [Fact]
    public async Task Every_document_is_its_own_records_after_the_slabs_were_reused_many_times()
    {
        // Slabs of 4 KiB hold a dozen records, so each is released and reused while its neighbours are in flight.
        var (source, documents) = await RunAsync("pooled", 4, 5_000,
            new RecordBufferPool(maxFreeSlabs: 4, slabSize: 4096), new RecordBufferPool(maxFreeSlabs: 4, slabSize: 4096), new PipelineMetrics());

        Assert.True(source.HoldCount > 0, "the in-flight bound was never reached, so slabs may not have been reused");
        Assert.Equal(20_000, documents.Count);
        AssertEachDocumentIsItsRecords(documents, 20_000);
    }

    [Fact]
    public async Task A_value_that_cannot_be_copied_into_a_slab_is_delivered_from_its_raw_bytes_not_skipped()
    {
        var allocations = 0;
        var metrics = new PipelineMetrics();
        // Every third value slab cannot be allocated, as under a heap hard limit.
        var values = new RecordBufferPool(maxFreeSlabs: 0, slabSize: 4096)
        {
            AllocateSlab = size => ++allocations % 3 == 0 ? throw new OutOfMemoryException("injected") : new byte[size],
        };
        var (_, documents) = await RunAsync("pooled-oom", 2, 2_000, values, new RecordBufferPool(), metrics);

        Assert.True(allocations > 30, $"only {allocations} slab allocations");
        Assert.True(metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Receiving, "Local_ValueDeserialization").Value > 0);
        AssertEachDocumentIsItsRecords(documents, 4_000);
    }
}
