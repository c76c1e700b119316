using System.Globalization;
using System.Text;
using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using LogPipeline.Kafka;
using LogPipeline.Testing;
using Prometheus;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceDeadLetterTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";
    private const int Partitions = 3, PerPartition = 200;

    /// <summary>The poison records and the reason each must carry on the dead-letter topic, by sequence number.</summary>
    private static readonly Dictionary<int, (string Reason, Func<byte[]> Value)> Poison = new()
    {
        [50] = ("invalid_json", () => "{\"message\":\"cut off"u8.ToArray()),
        [60] = ("not_an_object", () => "[1,2,3]"u8.ToArray()),
        [70] = ("invalid_utf8", () => [(byte)'{', (byte)'"', (byte)'m', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}']),
        [80] = ("oversized", () => KafkaTestRecords.LogLine(0, 80, 70 * 1024)),
        [90] = ("mapper_parsing_exception", () => "{\"reject_me\":true}"u8.ToArray()),
    };

    private static byte[] Value(int partition, int i) => Poison.TryGetValue(i, out var poison) ? poison.Value() : KafkaTestRecords.LogLine(partition, i);

    [Fact]
    public async Task Poison_records_land_on_the_dead_letter_topic_with_reason_and_original_bytes_and_their_neighbours_are_delivered()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, Partitions);
        cluster.CreateTopic(Topic + ".dlq", 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, Partitions, PerPartition, Value);
        var sink = new InMemoryRecordSink
        {
            KeepDocuments = true,
            // Stands in for Elasticsearch refusing a document permanently.
            RejectWhen = r => r.Value.Span.IndexOf("reject_me"u8) >= 0 ? ("mapper_parsing_exception", "failed to parse field [reject_me]") : null,
        };
        var run = SourceRun.Start(cluster, Topic, "poison", output, sink: sink);
        var expectedDead = Partitions * Poison.Count;
        await KafkaTestKit.WaitUntil(() => run.Source.AcknowledgedRecords == Partitions * PerPartition, "all records acknowledged",
            state: () => KafkaTestKit.Describe(run));

        var dead = KafkaTestKit.ReadAll(cluster, Topic + ".dlq", expectedDead);
        Assert.Equal(expectedDead, dead.Count);
        foreach (var r in dead)
        {
            string Header(string name) => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(name));
            var partition = int.Parse(Header(DeadLetterHeaders.OriginPartition), CultureInfo.InvariantCulture);
            var offset = int.Parse(Header(DeadLetterHeaders.OriginOffset), CultureInfo.InvariantCulture);
            Assert.Equal(Topic, Header(DeadLetterHeaders.OriginTopic));
            Assert.Equal($"{Topic}:{partition}:{offset}", Header(DeadLetterHeaders.OriginIdentity));
            Assert.True(Poison.ContainsKey(offset), $"offset {offset} is not poison");
            Assert.Equal(Poison[offset].Reason, Header(DeadLetterHeaders.ReasonCode));
            Assert.False(string.IsNullOrWhiteSpace(Header(DeadLetterHeaders.ReasonText)));
            Assert.True(DateTime.TryParse(Header(DeadLetterHeaders.Time), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _));
            Assert.Equal(Value(partition, offset), r.Message.Value);
            Assert.Equal($"k-{partition}-{offset}", Encoding.UTF8.GetString(r.Message.Key!));
        }

        var stored = sink.Stored.ToHashSet();
        for (var p = 0; p < Partitions; p++)
        {
            for (var i = 0; i < PerPartition; i++)
            {
                Assert.Equal(!Poison.ContainsKey(i), stored.Contains(new LogPipeline.Pipeline.RecordOrigin(Topic, p, i)));
            }
        }

        Assert.All(sink.Documents, d => Assert.Equal(Value(d.Origin.Partition, (int)d.Origin.Offset), d.Document));
        Assert.Equal(expectedDead, run.Source.DeadLetteredRecords);

        // Metrics, as /metrics shows them. The lag gauge follows the acknowledged position, but the committed offset
        // only follows the next periodic commit (CommitInterval later), so the snapshot is taken once both settled
        // on every partition, not as soon as the lag did.
        string LagLine(int p) => $"logpipeline_consumer_lag{{topic=\"{Topic}\",partition=\"{p}\"}} 0";
        string CommittedLine(int p) => $"logpipeline_committed_offset{{topic=\"{Topic}\",partition=\"{p}\"}} {PerPartition}";
        await KafkaTestKit.WaitUntil(
            () =>
            {
                var now = Export(run.Metrics.Registry);
                return Enumerable.Range(0, Partitions).All(p => now.Contains(LagLine(p), StringComparison.Ordinal) && now.Contains(CommittedLine(p), StringComparison.Ordinal));
            },
            "lag 0 and every record committed on every partition", state: () => Export(run.Metrics.Registry));
        var text = Export(run.Metrics.Registry);
        await run.StopAsync();

        Assert.Contains($"logpipeline_records_received_total{{topic=\"{Topic}\"}} {Partitions * PerPartition}", text);
        Assert.Contains($"logpipeline_records_acknowledged_total {Partitions * PerPartition}", text);
        Assert.Contains($"logpipeline_records_dead_lettered_total{{reason=\"invalid_json\"}} {Partitions}", text);
        Assert.Contains($"logpipeline_records_dead_lettered_total{{reason=\"mapper_parsing_exception\"}} {Partitions}", text);
        Assert.Contains($"logpipeline_records_rejected_total{{reason=\"oversized\"}} {Partitions}", text);
        Assert.Contains("logpipeline_assigned_partitions 3", text);
        Assert.All(Enumerable.Range(0, Partitions), p =>
        {
            Assert.Contains(LagLine(p), text);
            Assert.Contains(CommittedLine(p), text);
        });
    }

    [Fact]
    public async Task Consumer_lag_shows_the_backlog_of_a_stalled_sink()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 1);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 1, 1_000);
        var sink = new InMemoryRecordSink();
        sink.Stall();
        var run = SourceRun.Start(cluster, Topic, "lag", output, sink: sink);

        await KafkaTestKit.WaitUntil(() => run.Metrics.ConsumerLag.WithLabels(Topic, "0").Value == 1_000, "lag of the whole backlog",
            state: () => Export(run.Metrics.Registry));
        var status = Assert.Single(run.Source.GetPartitionStatus());
        sink.Resume();
        await KafkaTestKit.WaitUntil(() => run.Metrics.ConsumerLag.WithLabels(Topic, "0").Value == 0, "lag drops to zero");
        await run.StopAsync();

        Assert.Equal(1_000, status.Lag);
        Assert.Null(status.AcknowledgedOffset);
    }

    [Fact]
    public async Task A_topic_pattern_consumes_every_matching_topic_but_not_the_dead_letter_topics_it_also_matches()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        foreach (var t in new[] { "smm-logs-api", "smm-logs-web", "smm-logs-api.dlq", "smm-logs-web.dlq", "other-logs" })
        {
            cluster.CreateTopic(t, 2);
        }

        static byte[] Line(int p, int i) => i % 10 == 3 ? "not json"u8.ToArray() : KafkaTestRecords.LogLine(p, i);
        KafkaTestRecords.Produce(cluster.BootstrapServers, "smm-logs-api", 2, 100, Line);
        KafkaTestRecords.Produce(cluster.BootstrapServers, "smm-logs-web", 2, 100, Line);
        KafkaTestRecords.Produce(cluster.BootstrapServers, "other-logs", 2, 100);
        var run = SourceRun.Start(cluster, "unused", "pattern", output, configure: o => o.TopicPattern = "smm-logs-.*");

        await KafkaTestKit.WaitUntil(() => run.Source.AcknowledgedRecords == 400, "both matching topics acknowledged",
            state: () => KafkaTestKit.Describe(run));
        var dead = KafkaTestKit.ReadAll(cluster, "smm-logs-api.dlq", 20).Count + KafkaTestKit.ReadAll(cluster, "smm-logs-web.dlq", 20).Count;
        await run.StopAsync();

        Assert.Equal(40, dead);
        Assert.Equal(40, run.Source.DeadLetteredRecords);
        Assert.Equal(400, run.Source.ReceivedRecords);
        Assert.Equal(360, run.Sink.StoredCount);
        Assert.Equal(["smm-logs-api", "smm-logs-web"], run.Sink.Stored.Select(o => o.Topic).Distinct().Order());
    }

    private static string Export(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
