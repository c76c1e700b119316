using Confluent.Kafka;

namespace LogPipeline.Bench.Soak;

/// <summary>Reads every partition of one topic from the beginning, on its own background thread, while the topic
/// fills, and hands each message to <c>onMessage</c> on that thread. Partitions are assigned, not subscribed, so no
/// group rebalances or commits are involved; a consume error is skipped (the next poll retries). The soak's ledger
/// readers use it: they must read as the records arrive, because the embedded broker keeps only ~5 MiB per
/// partition.</summary>
internal sealed class TopicTailReader<TKey> : IDisposable
{
    private readonly IConsumer<TKey, byte[]?> _consumer;
    private readonly Action<ConsumeResult<TKey, byte[]?>> _onMessage;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    /// <param name="resultFields">librdkafka's <c>dotnet.consumer.consume.result.fields</c>: only what the reader needs.</param>
    public TopicTailReader(string bootstrapServers, string topic, int partitions, string groupId, string resultFields,
        string threadName, Action<ConsumeResult<TKey, byte[]?>> onMessage)
    {
        _onMessage = onMessage;
        _consumer = new ConsumerBuilder<TKey, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            ConsumeResultFields = resultFields,
        }).SetLogHandler((_, _) => { }).Build();
        _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<TKey, byte[]?>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException)
            {
                continue;
            }

            if (result?.Message is not null)
            {
                _onMessage(result);
            }
        }
    }
}
