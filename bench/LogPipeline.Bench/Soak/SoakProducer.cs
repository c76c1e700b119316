using System.Diagnostics;
using Confluent.Kafka;
using LogPipeline.Demo.Generator;

namespace LogPipeline.Bench.Soak;

/// <summary>Produces generated SMM log lines at a steady rate, round robin over the partitions, and remembers what
/// Kafka acknowledged at which offset, and whether it was a valid record or poison: the "produced" side of the
/// ledger. Records are retried by the producer until Kafka takes them (a broker down only delays them).</summary>
internal sealed class SoakProducer : IDisposable
{
    /// <summary>What was produced at an offset.</summary>
    public enum Kind : byte
    {
        None = 0,
        Valid = 1,
        Poison = 2,
    }

    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly int _rate;
    private readonly byte[][] _valid;
    private readonly byte[][] _poison;
    private readonly Kind[][] _produced;
    private long[] _offsetOfSequence = new long[1 << 16];
    private readonly object _producedLock = new();
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private int _pendingPoison;
    private long _sent;
    private long _delivered;
    private long _failed;
    private long _poisonDelivered;
    private string? _lastError;

    public SoakProducer(string bootstrapServers, string topic, int partitions, int rate, int seed)
    {
        _topic = topic;
        _partitions = partitions;
        _rate = rate;
        _produced = new Kind[partitions][];
        for (var p = 0; p < partitions; p++)
        {
            _produced[p] = new Kind[1024];
        }

        // A pool of lines reused round robin: the _id comes from the offset, so repeated content changes nothing.
        _valid = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = seed, PoisonRate = 0 }).Generate(20_000).Select(l => l.Utf8).ToArray();
        _poison = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = seed + 1, PoisonRate = 1, MaxOversized = 0 })
            .Generate(2_000).Where(l => l.IsPoison && l.Utf8.Length < 64 * 1024).Select(l => l.Utf8).ToArray();
        _producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 20,
            CompressionType = CompressionType.Lz4,
            // Long enough to outlast every injected broker outage: a record the producer gives up on is not produced.
            MessageTimeoutMs = 600_000,
            // As the worker's dead-letter producer. With the default five in flight, one 4-minute soak found a document
            // at an offset the producer had never been told about (FINDINGS: the embedded broker mishandles retried
            // batches after a broker outage when several are in flight); with one, the same schedule found none.
            MaxInFlight = 1,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, e) => _lastError = e.Reason).Build();
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long PoisonDelivered => Interlocked.Read(ref _poisonDelivered);

    public long Failed => Interlocked.Read(ref _failed);

    public string? LastError => _lastError;

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "soak-producer" };
        _thread.Start();
    }

    /// <summary>Mixes <paramref name="count"/> poison records into the stream, as fast as the producer takes them.</summary>
    public void InjectPoison(int count) => Interlocked.Add(ref _pendingPoison, count);

    /// <summary>Stops producing and waits until Kafka acknowledged (or finally refused) everything sent.</summary>
    public void StopAndFlush(TimeSpan timeout)
    {
        _stop.Cancel();
        _thread?.Join();
        _producer.Flush(timeout);
    }

    /// <summary>Every acknowledged offset and its kind, per partition (call after <see cref="StopAndFlush"/>).</summary>
    public IEnumerable<(int Partition, long Offset, Kind Kind)> Produced()
    {
        lock (_producedLock)
        {
            for (var p = 0; p < _partitions; p++)
            {
                var kinds = _produced[p];
                for (var o = 0; o < kinds.Length; o++)
                {
                    if (kinds[o] != Kind.None)
                    {
                        yield return (p, o, kinds[o]);
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        _producer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        long next = 0;
        var partition = 0;
        while (!_stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * _rate);
            while (next < due && !_stop.IsCancellationRequested)
            {
                var poison = Volatile.Read(ref _pendingPoison) > 0 && Interlocked.Decrement(ref _pendingPoison) >= 0;
                var value = poison ? _poison[next % _poison.Length] : Stamp(next, _valid[next % _valid.Length]);
                Produce(partition, value, poison ? Kind.Poison : Kind.Valid, next);
                partition = (partition + 1) % _partitions;
                next++;
            }

            Thread.Sleep(5);
        }
    }

    /// <summary>The offset Kafka reported for the valid record with this sequence number, or -1.</summary>
    public long OffsetOf(long sequence)
    {
        lock (_producedLock)
        {
            return sequence < _offsetOfSequence.Length ? _offsetOfSequence[sequence] - 1 : -1;
        }
    }

    /// <summary>Valid records carry <c>"soak_seq":N</c> first, so a record the broker stored twice (at two offsets) is
    /// told from one the pipeline made up. Poison records stay as generated.</summary>
    private static byte[] Stamp(long sequence, byte[] line)
    {
        var head = System.Text.Encoding.UTF8.GetBytes("{\"" + SequenceField + "\":" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");
        return [.. head, .. line.AsSpan(1)];
    }

    /// <summary>The field that carries the sequence number.</summary>
    public const string SequenceField = "soak_seq";

    private void Produce(int partition, byte[] value, Kind kind, long sequence)
    {
        var message = new Message<byte[]?, byte[]> { Value = value };
        while (true)
        {
            try
            {
                _producer.Produce(new TopicPartition(_topic, partition), message, report => OnDelivered(report, kind, sequence));
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private void OnDelivered(DeliveryReport<byte[]?, byte[]> report, Kind kind, long sequence)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        var p = report.Partition.Value;
        var offset = report.Offset.Value;
        lock (_producedLock)
        {
            GrowingArray.Set(ref _produced[p], offset, kind);
            if (kind == Kind.Valid)
            {
                // Stored plus one, so 0 means "no report".
                GrowingArray.Set(ref _offsetOfSequence, sequence, offset + 1);
            }
        }

        Interlocked.Increment(ref _delivered);
        if (kind == Kind.Poison)
        {
            Interlocked.Increment(ref _poisonDelivered);
        }
    }
}
