using System.Collections.Concurrent;
using LogPipeline.Cli;

namespace LogPipeline.Replay;

/// <summary>What a replay did, counted as it goes (thread-safe: the sink reports from its own threads).</summary>
internal sealed class ReplaySummary
{
    /// <summary>Reason of a dead letter that has no (or unreadable) origin headers: it has no original <c>_id</c>.</summary>
    public const string NoOrigin = "no_origin";

    /// <summary>Reason of a dead letter whose value was cut to fit the dead-letter topic: the original is gone.</summary>
    public const string Truncated = "truncated";

    private readonly ConcurrentDictionary<string, long> _matchedByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _rejectedAgain = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _notReplayable = new(StringComparer.Ordinal);
    private long _filteredOut;
    private long _acknowledged;

    public bool DryRun { get; init; }

    /// <summary>Dead letters read (set from the reader).</summary>
    public long Read { get; set; }

    public long FilteredOut => Interlocked.Read(ref _filteredOut);

    public long Matched => _matchedByReason.Values.Sum();

    /// <summary>Matched dead letters by their original reason code.</summary>
    public IReadOnlyDictionary<string, long> MatchedByReason => _matchedByReason;

    /// <summary>Stored by the sink: indexed now or already there.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Of <see cref="Acknowledged"/>, those Elasticsearch already had under the same <c>_id</c> (409 on
    /// create; 200 in index mode, where the replay overwrote it).</summary>
    public long AlreadyPresent { get; set; }

    public long Replayed => Acknowledged - AlreadyPresent;

    /// <summary>Refused again, by the chain or by the sink, by the new reason code.</summary>
    public IReadOnlyDictionary<string, long> RejectedAgain => _rejectedAgain;

    /// <summary>Matched but not sent: <see cref="NoOrigin"/>, <see cref="Truncated"/>.</summary>
    public IReadOnlyDictionary<string, long> NotReplayable => _notReplayable;

    /// <summary>Nothing was refused or left out of the records that matched.</summary>
    public bool IsClean => _rejectedAgain.IsEmpty && _notReplayable.IsEmpty;

    public void CountFilteredOut() => Interlocked.Increment(ref _filteredOut);

    public void CountMatched(string reason) => _matchedByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Counts stored documents: one per dead letter, or one per log record of an OTLP/JSON batch (the already
    /// present ones are counted per document too).</summary>
    public void CountAcknowledged(int documents = 1) => Interlocked.Add(ref _acknowledged, documents);

    public void CountRejectedAgain(string reason) => _rejectedAgain.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void CountNotReplayable(string reason) => _notReplayable.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void WriteTo(TextWriter output)
    {
        SummaryTable.Row(output, "read", Read);
        SummaryTable.Row(output, "filtered out", FilteredOut);
        SummaryTable.Row(output, "matched", Matched);
        WriteByReason(output, MatchedByReason);
        if (DryRun)
        {
            output.WriteLine("dry run: nothing was written");
            return;
        }

        SummaryTable.Row(output, "replayed", Replayed);
        SummaryTable.Row(output, "already present", AlreadyPresent);
        SummaryTable.Row(output, "rejected again", RejectedAgain.Values.Sum());
        WriteByReason(output, RejectedAgain);
        SummaryTable.Row(output, "not replayable", NotReplayable.Values.Sum());
        WriteByReason(output, NotReplayable);
    }

    private static void WriteByReason(TextWriter output, IReadOnlyDictionary<string, long> counts)
    {
        foreach (var (reason, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            SummaryTable.Detail(output, reason, count);
        }
    }
}
