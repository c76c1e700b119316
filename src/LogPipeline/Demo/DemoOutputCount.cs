using System.Collections;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using LogPipeline.Kafka;

namespace LogPipeline.Demo;

/// <summary>Proves by counting that every produced record ended somewhere: each (partition, offset) of the demo
/// topic must be exactly one document <c>_id</c> in the output files or one record in the dead-letter topic.</summary>
internal sealed class DemoOutputCount
{
    private readonly BitArray[] _seen;

    public DemoOutputCount(long[] producedPerPartition)
    {
        Produced = producedPerPartition;
        _seen = producedPerPartition.Select(n => new BitArray(checked((int)n))).ToArray();
    }

    public long[] Produced { get; }

    public long Documents { get; private set; }

    public long DuplicateDocuments { get; private set; }

    public long DeadLettered { get; private set; }

    public long Foreign { get; private set; }

    public SortedDictionary<string, long> DeadLetterReasons { get; } = new(StringComparer.Ordinal);

    /// <summary>A document that has geo, masks and trace fields, to show.</summary>
    public string? Sample { get; private set; }

    /// <summary>Produced records found neither in the files nor in the dead-letter topic.</summary>
    public long Missing => Produced.Sum() - _seen.Sum(b => (long)b.Cast<bool>().Count(x => x));

    private int _sampleScore;

    // The document that shows the most of what the chain does: geo, a trace link, an error category, masks.
    private static int SampleScore(string document)
    {
        if (document.Length > 1500)
        {
            return 0;
        }

        var score = 1;
        foreach (var marker in (string[])["\"geo\":", "\"trace_seq\":", "\"error_category\":", "[email]", "\"as\":"])
        {
            if (document.Contains(marker, StringComparison.Ordinal))
            {
                score += 2;
            }
        }

        return score;
    }

    /// <summary>Reads every <c>_bulk</c> file: the action lines' <c>_id</c>s.</summary>
    public void CountFiles(string directory, string topic)
    {
        var prefix = "{\"create\":{\"_index\":\"";
        var idMarker = "\"_id\":\"" + topic + ":";
        foreach (var file in Directory.EnumerateFiles(directory, "*.ndjson").Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(file, Encoding.UTF8);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (!line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var document = reader.ReadLine() ?? string.Empty;
                var at = line.IndexOf(idMarker, StringComparison.Ordinal);
                if (at < 0)
                {
                    Foreign++;
                    continue;
                }

                var rest = line.AsSpan(at + idMarker.Length);
                var colon = rest.IndexOf(':');
                var quote = rest.IndexOf('"');
                Mark(int.Parse(rest[..colon], CultureInfo.InvariantCulture),
                    long.Parse(rest[(colon + 1)..quote], CultureInfo.InvariantCulture), deadLetter: false);
                var score = SampleScore(document);
                if (score > _sampleScore)
                {
                    (Sample, _sampleScore) = (document, score);
                }
            }
        }
    }

    /// <summary>Reads the whole dead-letter topic: origin partition/offset and reason of each record.</summary>
    public void CountDeadLetters(string bootstrapServers, string deadLetterTopic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "logpipeline-demo-count-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = admin.GetMetadata(deadLetterTopic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        var ends = new Dictionary<int, long>();
        foreach (var p in partitions)
        {
            var high = consumer.QueryWatermarkOffsets(new TopicPartition(deadLetterTopic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value;
            if (high > 0)
            {
                ends[p.PartitionId] = high;
            }
        }

        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(deadLetterTopic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ends.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null)
            {
                continue;
            }

            var headers = result.Message.Headers;
            string Header(string name) => headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
            var reason = Header(DeadLetterHeaders.ReasonCode);
            DeadLetterReasons[reason] = DeadLetterReasons.GetValueOrDefault(reason) + 1;
            Mark(int.Parse(Header(DeadLetterHeaders.OriginPartition), CultureInfo.InvariantCulture),
                long.Parse(Header(DeadLetterHeaders.OriginOffset), CultureInfo.InvariantCulture), deadLetter: true);
            if (result.Offset.Value + 1 >= ends[result.Partition.Value])
            {
                ends.Remove(result.Partition.Value);
            }
        }

        consumer.Close();
    }

    private void Mark(int partition, long offset, bool deadLetter)
    {
        if (partition >= _seen.Length || offset >= Produced[partition])
        {
            Foreign++;
            return;
        }

        if (_seen[partition][(int)offset])
        {
            DuplicateDocuments++;
            return;
        }

        _seen[partition][(int)offset] = true;
        if (deadLetter)
        {
            DeadLettered++;
        }
        else
        {
            Documents++;
        }
    }
}
