using Confluent.Kafka;
using LogPipeline.Demo.Generator;
using LogPipeline.Demo.Kafka;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Testing;

namespace LogPipeline.Tests.EndToEnd;

/// <summary>One embedded Kafka cluster and one Elasticsearch test server for the end-to-end tests. Both live in
/// the test process; the worker under test is a child process that reaches them over TCP on 127.0.0.1. Each
/// test uses its own topic, consumer group and Elasticsearch namespace.</summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    public EmbeddedKafkaCluster Kafka { get; private set; } = null!;

    internal ElasticsearchTestServer Elasticsearch { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Kafka = EmbeddedKafkaCluster.Start(brokers: 3);
        Elasticsearch = await ElasticsearchTestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Elasticsearch.DisposeAsync();
        Kafka.Dispose();
    }

    /// <summary>Creates a topic and fills it with generated SMM logs (a few poison records included, none oversized,
    /// so every partition stays well under the mock's 5 MiB).</summary>
    public Scenario CreateScenario(string name, int partitions, int perPartition)
    {
        var topic = $"e2e-{name}-{Guid.NewGuid():N}"[..40];
        Kafka.CreateTopic(topic, partitions);
        Kafka.CreateTopic(topic + ".dlq", 1);
        var generator = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = name.GetHashCode(StringComparison.Ordinal), PoisonRate = 0.01, MaxOversized = 0 });
        var lines = generator.Generate(partitions * perPartition).Select(l => l.Utf8).ToArray();
        KafkaTestRecords.Produce(Kafka.BootstrapServers, topic, partitions, perPartition, (p, i) => lines[i * partitions + p]);
        var ns = "e2e" + Guid.NewGuid().ToString("N")[..12];
        return new Scenario(this, topic, ns, partitions, generator.Counts.Valid, generator.Counts.Poison);
    }

    public sealed record Scenario(EndToEndFixture Fixture, string Topic, string Namespace, int Partitions, long Valid, long Poison)
    {
        public string GroupId => "g-" + Topic;

        public string Target => "smm-logs-" + Namespace;

        public long Total => Valid + Poison;

        /// <summary>Arguments of <c>run</c> for this scenario.</summary>
        public List<string> RunArguments(params string[] extra) =>
        [
            $"--Kafka:Consumer:BootstrapServers={Fixture.Kafka.BootstrapServers}",
            $"--Kafka:Consumer:GroupId={GroupId}",
            "--Kafka:Consumer:SessionTimeoutMs=6000",
            $"--Kafka:Source:Topics:0={Topic}",
            "--Kafka:Source:CommitInterval=00:00:00.500",
            $"--Elasticsearch:Nodes:0={Fixture.Elasticsearch.Url}",
            $"--Elasticsearch:Namespace={Namespace}",
            "--Elasticsearch:Bulk:RetryMaxDelay=00:00:01",
            "--Elasticsearch:Bulk:MaxDocuments=1000",
            "--Startup:ConnectTimeout=00:00:20",
            .. extra,
        ];

        public IReadOnlyDictionary<string, int> DocumentIds() => Fixture.Elasticsearch.DocumentIds(Target);

        /// <summary>Sum over partitions of the group's committed offsets (= records whose fate is committed).</summary>
        public long CommittedTotal()
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = Fixture.Kafka.BootstrapServers,
                GroupId = GroupId,
                EnableAutoCommit = false,
            }).SetLogHandler((_, _) => { }).Build();
            var committed = consumer.Committed(
                Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p)), TimeSpan.FromSeconds(10));
            return committed.Sum(c => c.Offset.Value < 0 ? 0 : c.Offset.Value);
        }

        /// <summary>Records in the dead-letter topic.</summary>
        public long DeadLetters()
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = Fixture.Kafka.BootstrapServers,
                GroupId = "count",
            }).SetLogHandler((_, _) => { }).Build();
            return consumer.QueryWatermarkOffsets(new TopicPartition(Topic + ".dlq", 0), TimeSpan.FromSeconds(10)).High.Value;
        }
    }
}
