using System.Text;
using Confluent.Kafka;
using LogPipeline.Demo.Kafka;

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
    public void A_partition_keeps_about_five_mebibytes_and_the_dropped_start_is_counted()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("retention", 2);
        // Incompressible 1 KiB values, so the limit is reached by the bytes, not by message-set count.
        var random = new Random(5);
        var records = (int)(EmbeddedKafkaCluster.RetainedBytesPerPartition / 1024) * 2;
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < records; i++)
            {
                var value = new byte[1024];
                random.NextBytes(value);
                producer.Produce(new TopicPartition("retention", 0), new Message<Null, byte[]> { Value = value });
            }

            producer.Produce(new TopicPartition("retention", 1), new Message<Null, byte[]> { Value = [1] });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        var dropped = cluster.DroppedRecords("retention", 2);

        // Partition 0 lost roughly its first half; partition 1 lost nothing.
        Assert.InRange(dropped, records / 3, records * 2 / 3);
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
