using Enrichers;
using Enrichers.Tracing;

namespace LogPipeline.Bench.Enrichment;

/// <summary>Trace linking per event.</summary>
public class TraceLinkingBenchmarks : SingleEnricherBenchmarks<TraceLinkingEnricher>
{
    protected override TraceLinkingEnricher CreateEnricher() =>
        new(new TraceLinkingOptions(), new EnrichmentStatistics(), TimeProvider.System);
}
