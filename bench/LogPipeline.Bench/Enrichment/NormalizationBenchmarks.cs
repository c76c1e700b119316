using BenchmarkDotNet.Attributes;
using Enrichers;
using Enrichers.Normalization;

namespace LogPipeline.Bench.Enrichment;

/// <summary>The normalization stage alone on generated SMM lines, which are already canonical: what the stage costs on
/// records that match no special shape (parsing alone is the baseline).</summary>
[MemoryDiagnoser]
public class NormalizationBenchmarks : SingleEnricherBenchmarks<NormalizationEnricher>
{
    protected override NormalizationEnricher CreateEnricher() => new(new NormalizationOptions(), new EnrichmentStatistics());
}
