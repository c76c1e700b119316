namespace LogPipeline.Pipeline;

/// <summary>How long a batch being filled has not grown: the sinks' <c>IdleFlushDelay</c> check. Asked only when the
/// sink's buffer is empty (once per wait, never per record), so the clock read stays off the hot path.</summary>
internal struct BatchGrowth(TimeProvider time, int count)
{
    private int _count = count;
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
