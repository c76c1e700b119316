using Enrichers;

namespace LogPipeline.Demo;

/// <summary>What the pipeline phase of the demo measured.</summary>
internal sealed record DemoRun(
    TimeSpan Elapsed,
    TimeSpan CpuTime,
    long PeakWorkingSetBytes,
    long Acknowledged,
    long DeadLettered,
    EnrichmentStatistics Statistics,
    bool Interrupted);
