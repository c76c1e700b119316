namespace LogPipeline.Diagnostics;

/// <summary>What <c>/healthz</c> and <c>/readyz</c> answer. Ready means: started (Kafka answered, the sink
/// bootstrapped), the consumer is assigned partitions or waiting for an assignment, the sink is healthy, and the
/// worker is not draining for shutdown.</summary>
internal sealed class PipelineHealth
{
    private volatile bool _bootstrapped;
    private volatile bool _draining;
    private volatile string? _fatal;

    /// <summary>The sink's health (Elasticsearch reachable, files writable); set when the sink is created.</summary>
    public Func<bool> SinkHealthy { get; set; } = static () => true;

    /// <summary>The source's health (consumer alive: assigned or waiting for an assignment).</summary>
    public Func<bool> SourceHealthy { get; set; } = static () => true;

    public bool Bootstrapped => _bootstrapped;

    public bool Draining => _draining;

    public void MarkBootstrapped() => _bootstrapped = true;

    public void MarkDraining() => _draining = true;

    /// <summary>The worker hit an error it cannot recover from; <c>/healthz</c> fails so the pod is restarted.</summary>
    public void MarkFatal(string reason) => _fatal = reason;

    public bool IsAlive(out string reason)
    {
        reason = _fatal ?? "alive";
        return _fatal is null;
    }

    public bool IsReady(out string reason)
    {
        (var ready, reason) = true switch
        {
            _ when _fatal is not null => (false, "failed: " + _fatal),
            _ when _draining => (false, "draining for shutdown"),
            _ when !_bootstrapped => (false, "starting: connecting to Kafka and bootstrapping the sink"),
            _ when !SourceHealthy() => (false, "Kafka consumer not healthy"),
            _ when !SinkHealthy() => (false, "sink not healthy (destination unreachable or failing)"),
            _ => (true, "ready"),
        };
        return ready;
    }
}
