using BenchmarkDotNet.Attributes;
using Enrichers;
using Enrichers.Json;
using Enrichers.Tracing;

namespace LogPipeline.Bench.Enrichment;

/// <summary>Trace linking per event: parsing alone is the baseline, so the difference is the enricher.</summary>
[MemoryDiagnoser]
public class TraceLinkingBenchmarks
{
    private const int Lines = 5_000;
    private EnrichmentCorpus _corpus = null!;
    private TraceLinkingEnricher _enricher = null!;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = EnrichmentCorpus.Generate(Lines);
        _enricher = new TraceLinkingEnricher(new TraceLinkingOptions(), new EnrichmentStatistics(), TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => _enricher.Dispose();

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
    public int ParseAndLink()
    {
        var n = 0;
        for (var i = 0; i < Lines; i++)
        {
            var record = LogRecordParser.TryParse(_corpus[i], out _)!;
            _enricher.Enrich(record);
            n += record.Root.Count;
        }

        return n;
    }
}
