using System.Text;
using Confluent.Kafka;
using LogPipeline.Kafka.Embedded;

namespace LogPipeline.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class EmbeddedKafkaClusterTests
{
    [Fact]
    public void The_real_client_produces_and_consumes_over_tcp_on_the_loopback_address()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 2);
        cluster.CreateTopic("roundtrip", 2);
        Assert.All(cluster.BootstrapServers.Split(','), s => Assert.StartsWith("127.0.0.1:", s));

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                producer.Produce(new TopicPartition("roundtrip", i % 2), new Message<string, string> { Key = "k" + i, Value = "v" + i });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var read = KafkaTestKit.ReadAll(cluster, "roundtrip", 10);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => "v" + i).Order(), read.Select(r => Encoding.UTF8.GetString(r.Message.Value)).Order());
    }

    [Fact]
    public void Faults_can_be_injected_and_cleared_and_disposal_is_idempotent()
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("faults", 3);
        cluster.SetBrokerDown(2);
        cluster.SetBrokerUp(2);
        cluster.SetRoundTripTime(1, TimeSpan.FromMilliseconds(5));
        cluster.InjectRequestErrors(KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut);
        cluster.ClearRequestErrors(KafkaApiKey.Fetch);
        Assert.Throws<InvalidOperationException>(() => cluster.SetBrokerDown(99));

        cluster.Dispose();
        cluster.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1));
    }
}
