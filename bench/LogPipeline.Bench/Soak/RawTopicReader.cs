using System.Buffers.Text;
using System.Text;
using Confluent.Kafka;

namespace LogPipeline.Bench.Soak;

/// <summary>Reads the raw topic as it fills and remembers the sequence number (<see cref="SoakProducer.SequenceField"/>)
/// stored at each offset: what the broker really holds, which the producer's delivery reports may not tell (a batch
/// the broker stored twice is reported once). Read while it is fresh: the embedded broker keeps ~5 MiB per partition.</summary>
internal sealed class RawTopicReader : IDisposable
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("{\"" + SoakProducer.SequenceField + "\":");

    private readonly long[][] _sequences;
    private readonly object _lock = new();
    private readonly TopicTailReader<Ignore> _reader;

    public RawTopicReader(string bootstrapServers, string topic, int partitions)
    {
        _sequences = new long[partitions][];
        for (var p = 0; p < partitions; p++)
        {
            _sequences[p] = new long[1024];
        }

        // Last: its thread calls Remember at once.
        _reader = new TopicTailReader<Ignore>(bootstrapServers, topic, partitions, "soak-raw", "none", "soak-raw", Remember);
    }

    /// <summary>The sequence number of the valid record at this offset, or -1 (poison, or not read).</summary>
    public long SequenceAt(int partition, long offset)
    {
        lock (_lock)
        {
            var sequences = _sequences[partition];
            return offset < sequences.Length ? sequences[offset] - 1 : -1;
        }
    }

    public void Dispose() => _reader.Dispose();

    private void Remember(ConsumeResult<Ignore, byte[]?> result)
    {
        if (result.Message.Value is not { } value || !value.AsSpan().StartsWith(Prefix)
            || !Utf8Parser.TryParse(value.AsSpan(Prefix.Length), out long sequence, out _))
        {
            return;
        }

        var p = result.Partition.Value;
        var offset = result.Offset.Value;
        lock (_lock)
        {
            // Plus one, so 0 means "not read".
            GrowingArray.Set(ref _sequences[p], offset, sequence + 1);
        }
    }
}
