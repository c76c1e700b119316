using System.Globalization;
using LogPipeline.Pipeline;

namespace LogPipeline.Bench.Soak;

/// <summary>The account at the end of a soak: every record Kafka acknowledged to the producer must be indexed
/// (under its <c>topic:partition:offset</c> <c>_id</c>) or dead-lettered, exactly once.</summary>
internal sealed class SoakLedger
{
    private readonly List<string> _missingExamples = [];
    private readonly List<string> _unexpectedExamples = [];

    public long Produced { get; private set; }

    public long ProducedPoison { get; private set; }

    public long Indexed { get; private set; }

    public long DeadLettered { get; private set; }

    public Dictionary<string, long> DeadLetteredByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>Valid records that were dead-lettered, by reason (a fault the worker should have waited out).</summary>
    public Dictionary<string, long> ValidDeadLetteredByReason { get; } = new(StringComparer.Ordinal);

    public long PoisonIndexed { get; private set; }

    public long Missing { get; private set; }

    /// <summary>Records whose <c>_id</c> is in more than one index.</summary>
    public long IndexedTwice { get; private set; }

    /// <summary>Origins on the dead-letter topic more than once, and the extra copies.</summary>
    public long DeadLetteredTwice { get; private set; }

    public long ExtraDeadLetterCopies { get; private set; }

    /// <summary>Records both indexed and dead-lettered.</summary>
    public long IndexedAndDeadLettered { get; private set; }

    /// <summary>Documents or dead letters of offsets that hold a second copy, stored by the broker, of a valid record
    /// the producer was told is at another offset (an idempotent retry after a broker outage that the embedded broker
    /// did not recognise). Each Kafka record was handled once; not counted as a pipeline duplicate.</summary>
    public long BrokerCopies { get; private set; }

    /// <summary>Documents or dead letters of offsets the producer never had acknowledged, not explained as
    /// <see cref="BrokerCopies"/>.</summary>
    public long Unexpected { get; private set; }

    public bool LostOrDuplicated => Missing > 0 || IndexedTwice > 0 || DeadLetteredTwice > 0 || IndexedAndDeadLettered > 0 || Unexpected > 0;

    public static SoakLedger Build(
        string topic,
        IEnumerable<(int Partition, long Offset, SoakProducer.Kind Kind)> produced,
        IReadOnlyDictionary<string, int> documentIds,
        IReadOnlyDictionary<(int Partition, long Offset), (int Copies, string Reason)> deadLetters,
        Func<int, long, bool> brokerCopy)
    {
        var ledger = new SoakLedger();
        var prefix = topic + ":";
        var indexed = new Dictionary<(int, long), int>(documentIds.Count);
        foreach (var (id, copies) in documentIds)
        {
            var parts = id.Split(':');
            if (id.StartsWith(prefix, StringComparison.Ordinal) && parts.Length == 3
                && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var p) && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var o))
            {
                indexed[(p, o)] = copies;
            }
            else
            {
                ledger.AddUnexpected("_id " + id);
            }
        }

        var producedOrigins = new HashSet<(int, long)>();
        foreach (var (partition, offset, kind) in produced)
        {
            ledger.Produced++;
            if (deadLetters.ContainsKey((partition, offset)))
            {
                producedOrigins.Add((partition, offset));
            }

            if (kind == SoakProducer.Kind.Poison)
            {
                ledger.ProducedPoison++;
            }

            var isIndexed = indexed.Remove((partition, offset), out var copies);
            var isDead = deadLetters.TryGetValue((partition, offset), out var dead);
            if (isIndexed)
            {
                ledger.Indexed++;
                ledger.IndexedTwice += copies > 1 ? 1 : 0;
                ledger.PoisonIndexed += kind == SoakProducer.Kind.Poison ? 1 : 0;
            }

            if (isDead)
            {
                ledger.DeadLettered++;
                ledger.DeadLetteredByReason[dead.Reason] = ledger.DeadLetteredByReason.GetValueOrDefault(dead.Reason) + 1;
                if (dead.Copies > 1)
                {
                    ledger.DeadLetteredTwice++;
                    ledger.ExtraDeadLetterCopies += dead.Copies - 1;
                }

                if (kind == SoakProducer.Kind.Valid)
                {
                    ledger.ValidDeadLetteredByReason[dead.Reason] = ledger.ValidDeadLetteredByReason.GetValueOrDefault(dead.Reason) + 1;
                }
            }

            if (isIndexed && isDead)
            {
                ledger.IndexedAndDeadLettered++;
            }

            if (!isIndexed && !isDead)
            {
                ledger.Missing++;
                if (ledger._missingExamples.Count < 10)
                {
                    ledger._missingExamples.Add(new RecordOrigin(topic, partition, offset).ToString());
                }
            }
        }

        foreach (var (partition, offset) in indexed.Keys)
        {
            ledger.AddUnexpected("indexed", new RecordOrigin(topic, partition, offset), brokerCopy);
        }

        if (deadLetters.Count > ledger.DeadLettered)
        {
            foreach (var origin in deadLetters.Keys.Where(k => !producedOrigins.Contains(k)))
            {
                ledger.AddUnexpected("dead-lettered", new RecordOrigin(topic, origin.Partition, origin.Offset), brokerCopy);
            }
        }

        return ledger;
    }

    /// <summary>An offset the producer was not told about: a second copy the broker stored of a record it reported
    /// at another offset (the pipeline handled that Kafka record correctly), or unexplained.</summary>
    private void AddUnexpected(string what, RecordOrigin origin, Func<int, long, bool> brokerCopy)
    {
        if (brokerCopy(origin.Partition, origin.Offset))
        {
            BrokerCopies++;
            return;
        }

        AddUnexpected($"{what} {origin}");
    }

    private void AddUnexpected(string what)
    {
        Unexpected++;
        if (_unexpectedExamples.Count < 10)
        {
            _unexpectedExamples.Add(what);
        }
    }

    public void WriteTo(TextWriter output)
    {
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        output.WriteLine($"  produced (acknowledged by Kafka)   {N(Produced),12}   ({N(Produced - ProducedPoison)} valid, {N(ProducedPoison)} poison)");
        output.WriteLine($"  indexed (distinct _id)             {N(Indexed),12}");
        output.WriteLine($"  dead-lettered (distinct origin)    {N(DeadLettered),12}");
        foreach (var (reason, count) in DeadLetteredByReason.OrderByDescending(kv => kv.Value))
        {
            output.WriteLine($"    {reason,-32} {N(count),12}");
        }

        output.WriteLine($"  of which valid records             {N(ValidDeadLetteredByReason.Values.Sum()),12}   " +
                         (ValidDeadLetteredByReason.Count == 0 ? "" : "(" + string.Join(", ", ValidDeadLetteredByReason.Select(kv => $"{kv.Key} {N(kv.Value)}")) + ")"));
        output.WriteLine($"  produced = indexed + dead-lettered {(Produced == Indexed + DeadLettered - IndexedAndDeadLettered && Missing == 0 ? "yes" : "NO"),12}");
        output.WriteLine($"  missing                            {N(Missing),12}   {string.Join(' ', _missingExamples)}");
        output.WriteLine($"  duplicates: indexed twice          {N(IndexedTwice),12}");
        output.WriteLine($"              dead-lettered twice    {N(DeadLetteredTwice),12}   ({N(ExtraDeadLetterCopies)} extra copies on the dead-letter topic)");
        output.WriteLine($"              indexed and dead-lettered {N(IndexedAndDeadLettered),9}");
        output.WriteLine($"  poison indexed                     {N(PoisonIndexed),12}");
        output.WriteLine($"  unexpected (not produced here)     {N(Unexpected),12}   {string.Join(", ", _unexpectedExamples)}");
        output.WriteLine($"  second copies stored by the broker {N(BrokerCopies),12}   (a valid record at an offset the producer was not told about; its copy is where it was reported)");
    }
}
