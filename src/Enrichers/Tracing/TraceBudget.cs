namespace Enrichers.Tracing;

/// <summary>How many traces all sessions of one chain remember together. In the worker every assigned partition
/// has its own session; a per-session bound alone would let memory grow with the number of partitions (48 busy
/// partitions × 100,000 traces ≈ 1 GB), so the sessions share <see cref="TraceLinkingOptions.MaxTraces"/>.
/// A session that needs room forgets its own least recently seen trace. A session holding nothing may still
/// remember one trace, so the total can pass the bound by at most the number of sessions.</summary>
internal sealed class TraceBudget(int max)
{
    private int _used;

    public int Used => Volatile.Read(ref _used);

    /// <summary>Takes room for one trace; false when the budget is spent.</summary>
    public bool TryTake()
    {
        // Read first: a busy worker stays at the budget, where a take that fails would otherwise write the line
        // every session shares twice per new trace.
        if (Volatile.Read(ref _used) >= max)
        {
            return false;
        }

        if (Interlocked.Increment(ref _used) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _used);
        return false;
    }

    /// <summary>Takes room for one trace even past the bound.</summary>
    public void Take() => Interlocked.Increment(ref _used);

    public void Give(int count = 1) => Interlocked.Add(ref _used, -count);
}
