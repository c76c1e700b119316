namespace LogPipeline.Replay;

/// <summary>A replay cannot start: a dead-letter topic is missing or the cluster cannot be reached.</summary>
internal sealed class DeadLetterReplayException(string message, bool unavailable) : Exception(message)
{
    /// <summary>The cluster did not answer (rather than answering that something is missing).</summary>
    public bool Unavailable { get; } = unavailable;
}
