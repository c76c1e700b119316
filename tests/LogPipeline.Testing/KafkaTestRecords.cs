using System.Text;
using Confluent.Kafka;

namespace LogPipeline.Testing;

/// <summary>Produces test data to a Kafka cluster (the embedded one in tests and benchmarks).</summary>
internal static class KafkaTestRecords
{
    /// <summary>A compact JSON log line of about <paramref name="size"/> bytes carrying its sequence number.</summary>
    public static byte[] LogLine(int partition, int sequence, int size = 200)
    {
        var head = $"{{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"service\":\"api\",\"level\":\"info\",\"p\":{partition},\"seq\":{sequence},\"message\":\"";
        var pad = Math.Max(0, size - head.Length - 2);
        return Encoding.UTF8.GetBytes(head + new string('x', pad) + "\"}");
    }

    /// <summary>Produces <paramref name="perPartition"/> records to each of <paramref name="partitions"/>
    /// partitions (explicitly, so offsets are predictable), with value <paramref name="value"/>(partition, i)
    /// and key <c>k-{partition}-{i}</c>, and waits until all are acknowledged.</summary>
    /// <param name="lingerMs">How long the producer gathers a batch. Benchmarks raise it: the embedded broker finds a
    /// fetch offset by walking a partition's batches one by one, so many small batches make every fetch costlier.</param>
    public static void Produce(string bootstrapServers, string topic, int partitions, int perPartition,
        Func<int, int, byte[]>? value = null, CompressionType compression = CompressionType.Lz4, int lingerMs = 5)
    {
        value ??= (p, i) => LogLine(p, i);
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = lingerMs,
            CompressionType = compression,
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = 60_000,
            BatchNumMessages = 10_000,
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        Exception? failure = null;
        for (var i = 0; i < perPartition; i++)
        {
            for (var p = 0; p < partitions; p++)
            {
                var message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"k-{p}-{i}"), Value = value(p, i) };
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, p), message, r =>
                        {
                            if (r.Error.IsError)
                            {
                                failure ??= new KafkaException(r.Error);
                            }
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }
            }
        }

        producer.Flush(TimeSpan.FromSeconds(60));
        if (failure is not null)
        {
            throw new InvalidOperationException("Producing test records failed: " + failure.Message, failure);
        }
    }
}
