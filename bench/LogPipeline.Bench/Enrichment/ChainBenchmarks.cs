using System.Buffers;
using BenchmarkDotNet.Attributes;
using Enrichers;
using Enrichers.Json;

namespace LogPipeline.Bench.Enrichment;

/// <summary>The whole chain against a bare Utf8JsonReader→Utf8JsonWriter round trip and against the record
/// model alone (parse + write, no enricher), per event over generated SMM lines (already canonical: they match no
/// special shape); and the whole chain without the normalization stage, so one run shows what the stage costs on
/// records it has nothing to map.</summary>
[MemoryDiagnoser]
public class ChainBenchmarks
{
    private const int Lines = 5_000;
    private EnrichmentCorpus _corpus = null!;
    private EnrichmentChain _chain = null!;
    private EnrichmentSession _session = null!;
    private EnrichmentChain _chainWithoutNormalization = null!;
    private EnrichmentSession _sessionWithoutNormalization = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private BareJsonRoundTrip _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        _corpus = EnrichmentCorpus.Generate(Lines);
        _chain = EnrichmentChain.Create(new EnrichmentOptions());
        _session = _chain.CreateSession();
        _chainWithoutNormalization = EnrichmentChain.Create(new EnrichmentOptions { Normalization = { Enabled = false } });
        _sessionWithoutNormalization = _chainWithoutNormalization.CreateSession();
        _output = new ArrayBufferWriter<byte>(4 * 1024 * 1024);
        _bare = new BareJsonRoundTrip(_output);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _chain.Dispose();
        _sessionWithoutNormalization.Dispose();
        _chainWithoutNormalization.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public void BareRoundTrip()
    {
        for (var i = 0; i < Lines; i++)
        {
            _bare.RoundTrip(_corpus[i].Span, _output);
        }

        _output.ResetWrittenCount();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public void ParseAndWrite()
    {
        for (var i = 0; i < Lines; i++)
        {
            LogRecordParser.TryParse(_corpus[i], out _)!.WriteTo(_output);
        }

        _output.ResetWrittenCount();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public void WholeChain()
    {
        for (var i = 0; i < Lines; i++)
        {
            _session.Enrich(_corpus[i], _output);
        }

        _output.ResetWrittenCount();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public void WholeChainWithoutNormalization()
    {
        for (var i = 0; i < Lines; i++)
        {
            _sessionWithoutNormalization.Enrich(_corpus[i], _output);
        }

        _output.ResetWrittenCount();
    }
}
