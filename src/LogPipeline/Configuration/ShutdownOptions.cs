namespace LogPipeline.Configuration;

/// <summary>Graceful shutdown (configuration section <c>Shutdown</c>).</summary>
internal sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>How long SIGTERM/SIGINT may take to drain in-flight records to the sink (or the dead-letter
    /// topic) and commit their offsets. Default 25 s, under Kubernetes' default 30 s grace period. Records not
    /// acknowledged by then are not committed and will be redelivered. Between 1 s and 10 min.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(25);
}
