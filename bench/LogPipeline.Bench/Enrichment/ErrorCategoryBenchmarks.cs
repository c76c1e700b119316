using BenchmarkDotNet.Attributes;
using Enrichers;
using Enrichers.Errors;

namespace LogPipeline.Bench.Enrichment;

/// <summary>Error categorization: per event over the corpus (about 15% error records), and the phrase search
/// alone on typical error texts.</summary>
public class ErrorCategoryBenchmarks : SingleEnricherBenchmarks<ErrorCategoryEnricher>
{
    private static readonly string[] Texts =
    [
        "Object reference not set to an instance of an object.",
        "Provider error from anthropic (request req_5f2a9c0d1e3b)",
        "Request to openai timed out after 30000 ms",
        "Authentication failed for user jane.doe@example.com with token eyJhbGciOiJIUzI1NiJ9.e30.abc",
    ];

    [Benchmark(OperationsPerInvoke = 4)]
    public int CategorizeTexts()
    {
        var n = 0;
        foreach (var text in Texts)
        {
            n += Enricher.Categorize([text], null).Length;
        }

        return n;
    }

    protected override ErrorCategoryEnricher CreateEnricher() =>
        new(new ErrorCategoryOptions(), new EnrichmentStatistics());
}
