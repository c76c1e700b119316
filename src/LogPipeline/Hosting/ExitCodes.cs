namespace LogPipeline.Hosting;

/// <summary>Process exit codes of <c>run</c> and <c>demo</c> (documented in docs/worker.md).</summary>
internal static class ExitCodes
{
    /// <summary>Stopped on request after draining everything in flight and committing its offsets.</summary>
    public const int Ok = 0;

    /// <summary>A fatal error while running (e.g. a fatal Kafka error); logged.</summary>
    public const int Failure = 1;

    /// <summary>The configuration or the command line is not usable; one line per problem on stderr.</summary>
    public const int Configuration = 2;

    /// <summary>Kafka or the sink could not be reached or bootstrapped at start within <c>Startup:ConnectTimeout</c>.</summary>
    public const int Unavailable = 3;

    /// <summary>Stopped on request, but not everything in flight was acknowledged and committed: <c>Shutdown:DrainTimeout</c>
    /// (counted from the stop request) passed first, or the final offset commit failed, or the host's shutdown timeout
    /// ended the drain. Those records will be redelivered.</summary>
    public const int DrainTimedOut = 4;
}
