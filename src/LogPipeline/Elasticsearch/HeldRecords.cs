using Prometheus;

namespace LogPipeline.Elasticsearch;

/// <summary>The records the Elasticsearch sink holds for an error that is not theirs (<see cref="BulkErrorAction.Hold"/>),
/// by error class: they feed readiness (the sink is unhealthy while any is held) and
/// <c>logpipeline_bulk_held_records{reason}</c>. Each batch in retry owns its counts (<see cref="Replace"/>), so counts
/// go back down when its records are indexed, dead-lettered, held for another reason, or the sink is disposed.</summary>
internal sealed class HeldRecords(Gauge gauge)
{
    private long _total;

    /// <summary>Records held now, over every batch.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Counts <paramref name="next"/> (held after the latest answer) in place of <paramref name="held"/> (held
    /// before it). The new counts are added before the old ones are taken away, so a batch still held is never
    /// seen as released in between. Returns the total before and after.</summary>
    public (long Before, long After) Replace(ref Dictionary<string, int>? held, Dictionary<string, int>? next)
    {
        var before = Total;
        if (next is not null)
        {
            foreach (var (reason, count) in next)
            {
                gauge.WithLabels(reason).Inc(count);
                Interlocked.Add(ref _total, count);
            }
        }

        if (held is not null)
        {
            foreach (var (reason, count) in held)
            {
                gauge.WithLabels(reason).Dec(count);
                Interlocked.Add(ref _total, -count);
            }
        }

        held = next;
        return (before, Total);
    }
}
