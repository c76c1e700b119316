using Confluent.Kafka;
using LogPipeline.Replay;

namespace LogPipeline.Bench.Soak;

/// <summary>Reads the dead-letter topic as it fills (the embedded broker keeps only ~5 MiB per partition, so it is
/// read while it is small) and counts each origin: the "dead-lettered" side of the ledger.</summary>
internal sealed class DeadLetterCollector : IDisposable
{
    private readonly Dictionary<(int Partition, long Offset), (int Copies, string Reason)> _origins = [];
    private readonly Dictionary<string, long> _records = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private readonly TopicTailReader<byte[]?> _reader;
    private long _noOrigin;

    public DeadLetterCollector(string bootstrapServers, string topic, int partitions) =>
        _reader = new TopicTailReader<byte[]?>(bootstrapServers, topic, partitions, "soak-ledger", "headers,timestamp,topic",
            "soak-dead-letters", Count);

    /// <summary>Distinct origins dead-lettered.</summary>
    public long DistinctOrigins
    {
        get
        {
            lock (_lock)
            {
                return _origins.Count;
            }
        }
    }

    /// <summary>Dead-letter records read, by reason (copies of the same origin included).</summary>
    public IReadOnlyDictionary<string, long> RecordsByReason
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_records);
            }
        }
    }

    /// <summary>Dead letters without origin headers (none expected).</summary>
    public long WithoutOrigin => Interlocked.Read(ref _noOrigin);

    /// <summary>Each dead-lettered origin (offset in the raw topic), how often and why (the last reason).</summary>
    public IReadOnlyDictionary<(int Partition, long Offset), (int Copies, string Reason)> Origins
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<(int, long), (int, string)>(_origins);
            }
        }
    }

    public void Dispose() => _reader.Dispose();

    private void Count(ConsumeResult<byte[]?, byte[]?> result)
    {
        var letter = DeadLetter.From(result);
        lock (_lock)
        {
            _records[letter.ReasonCode] = _records.GetValueOrDefault(letter.ReasonCode) + 1;
            if (letter.Origin is not { } origin)
            {
                Interlocked.Increment(ref _noOrigin);
                return;
            }

            var key = (origin.Partition, origin.Offset);
            _origins[key] = (_origins.GetValueOrDefault(key).Copies + 1, letter.ReasonCode);
        }
    }
}
