using System.Text;
using Confluent.Kafka;

namespace LogPipeline.Demo.Generator;

/// <summary>Produces the generator's lines to the demo topic, keyed by trace ID (so a trace stays on one partition,
/// as a well-behaved producer would do), and remembers how many records each partition got, for the final
/// count.</summary>
public static class DemoProducer
{
    /// <summary>Records produced per partition (offsets 0..n-1 on a fresh topic).</summary>
    public static long[] Produce(string bootstrapServers, string topic, int partitions, SmmLogGenerator generator, int count,
        Action<int> progress)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            EnableIdempotence = true,
            Acks = Acks.All,
            BatchNumMessages = 10_000,
            MessageMaxBytes = 8 * 1024 * 1024,
            MessageTimeoutMs = 120_000,
        };
        var perPartition = new long[partitions];
        Exception? failure = null;
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var delivered = 0;
        for (var i = 0; i < count; i++)
        {
            var line = generator.Next();
            var message = new Message<byte[]?, byte[]>
            {
                Key = line.TraceId is null ? null : Encoding.ASCII.GetBytes(line.TraceId),
                Value = line.Utf8,
            };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            failure ??= new KafkaException(report.Error);
                            return;
                        }

                        Interlocked.Increment(ref perPartition[report.Partition.Value]);
                        if (Interlocked.Increment(ref delivered) % 10_000 == 0)
                        {
                            progress(delivered);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        if (failure is not null)
        {
            throw new InvalidOperationException("producing the demo records failed: " + failure.Message, failure);
        }

        return perPartition;
    }
}
