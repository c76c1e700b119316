namespace LogPipeline.Pipeline;

/// <summary>What the consume loop does next, as decided by <see cref="InFlightLimiter.Decide"/>.</summary>
internal enum InFlightDecision
{
    /// <summary>Under the bounds (or paused and still above the low-water mark): take records.</summary>
    Take,

    /// <summary>At a bound: take nothing, wait for acknowledgements to make room.</summary>
    Hold,

    /// <summary>Held longer than the pause delay: pause every partition, then take records again (none arrive
    /// from paused partitions, but rebalance callbacks are served).</summary>
    Pause,

    /// <summary>Paused, and both counts fell below the low-water mark: resume the paused partitions.</summary>
    Resume,
}
