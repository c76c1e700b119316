using BenchmarkDotNet.Attributes;
using Enrichers;
using Enrichers.Errors;
using Enrichers.Json;

namespace LogPipeline.Bench.Enrichment;

/// <summary>Error categorization: per event over the corpus (about 15% error records; parsing alone is the
/// baseline), and the phrase search alone on typical error texts.</summary>
[MemoryDiagnoser]
public class ErrorCategoryBenchmarks
{
    private const int Lines = 5_000;
    private static readonly string[] Texts =
    [
        "Object reference not set to an instance of an object.",
        "Provider error from anthropic (request req_5f2a9c0d1e3b)",
        "Request to openai timed out after 30000 ms",
        "Authentication failed for user jane.doe@example.com with token eyJhbGciOiJIUzI1NiJ9.e30.abc",
    ];

    private EnrichmentCorpus _corpus = null!;
    private ErrorCategoryEnricher _enricher = null!;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = EnrichmentCorpus.Generate(Lines);
        _enricher = new ErrorCategoryEnricher(new ErrorCategoryOptions(), new EnrichmentStatistics());
    }

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
    public int ParseAndCategorize()
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

    [Benchmark(OperationsPerInvoke = 4)]
    public int CategorizeTexts()
    {
        var n = 0;
        foreach (var text in Texts)
        {
            n += _enricher.Categorize([text], null).Length;
        }

        return n;
    }
}
