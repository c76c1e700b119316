namespace LogPipeline.Configuration;

/// <summary>Start-up checks (configuration section <c>Startup</c>).</summary>
internal sealed class StartupOptions
{
    public const string SectionName = "Startup";

    /// <summary>How long the worker waits at start for Kafka to answer a metadata request and for the sink to
    /// bootstrap (Elasticsearch reachable, ILM policy and templates installed) before it gives up with one clear
    /// line and a non-zero exit (Kubernetes then restarts it with back-off). Default 30 s; between 1 s and 10 min.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
