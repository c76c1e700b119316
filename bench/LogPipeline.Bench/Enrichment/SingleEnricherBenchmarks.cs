using BenchmarkDotNet.Attributes;
using Enrichers;
using Enrichers.Json;

namespace LogPipeline.Bench.Enrichment;

/// <summary>One enricher per event over the generated corpus: parsing alone is the baseline, so the
/// difference is the enricher. Subclasses only say which enricher.</summary>
[MemoryDiagnoser]
public abstract class SingleEnricherBenchmarks<TEnricher>
    where TEnricher : ILogEnricher
{
    protected const int Lines = 5_000;
    private EnrichmentCorpus _corpus = null!;

    protected TEnricher Enricher { get; private set; } = default!;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = EnrichmentCorpus.Generate(Lines);
        Enricher = CreateEnricher();
    }

    [GlobalCleanup]
    public void Cleanup() => (Enricher as IDisposable)?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public int ParseOnly()
    {
        var n = 0;
        for (var i = 0; i < Lines; i++)
        {
            n += LogRecordParser.TryParse(_corpus[i], out _)!.Root.Count;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int ParseAndEnrich()
    {
        var n = 0;
        for (var i = 0; i < Lines; i++)
        {
            var record = LogRecordParser.TryParse(_corpus[i], out _)!;
            Enricher.Enrich(record);
            n += record.Root.Count;
        }

        return n;
    }

    protected abstract TEnricher CreateEnricher();
}
