namespace LogPipeline.Pipeline;

/// <summary>How long a batch being filled has not grown: the sinks' <c>IdleFlushDelay</c> check. Asked only when the
/// sink's buffer is empty (once per wait, never per record), so the clock read stays off the hot path.</summary>
internal struct BatchGrowth(TimeProvider time, int count)
{
    private int _count = count;

    /// <summary>The sinks' rule for <c>IdleFlushDelay</c>: 0 (off), or 1 ms up to the sink's <c>FlushInterval</c>.</summary>
    public static bool IsAllowedIdleFlushDelay(TimeSpan delay, TimeSpan flushInterval) =>
        delay == TimeSpan.Zero || (delay >= TimeSpan.FromMilliseconds(1) && delay <= flushInterval);

    private long _grewAt = time.GetTimestamp();

    /// <summary>Time since the batch last grew, given how many records it holds now (zero when it just grew).</summary>
    public TimeSpan IdleFor(int count)
    {
        if (count != _count)
        {
            _count = count;
            _grewAt = time.GetTimestamp();
            return TimeSpan.Zero;
        }

        return time.GetElapsedTime(_grewAt);
    }
}
