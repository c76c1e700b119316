using LogPipeline.Demo.Generator;


namespace LogPipeline.Bench.Enrichment;

/// <summary>Generated SMM log lines in one contiguous buffer (no per-line objects for the GC to trace),
/// shared by the benchmarks and the <c>enrich</c> harness.</summary>
public sealed class EnrichmentCorpus
{
    private readonly byte[] _buffer;
    private readonly int[] _starts;

    private EnrichmentCorpus(byte[] buffer, int[] starts)
    {
        _buffer = buffer;
        _starts = starts;
    }

    public int Count => _starts.Length - 1;

    public long TotalBytes => _starts[^1];

    public ReadOnlyMemory<byte> this[int index] => _buffer.AsMemory(_starts[index], _starts[index + 1] - _starts[index]);

    /// <summary>Corpus kinds: the SMM platform's logs (<see cref="SmmLogGenerator"/>), or web-service lines each
    /// with a distinct public client address and PII in the text (<see cref="PiiDenseLogGenerator"/>).</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["smm", "pii-dense"];

    /// <summary><paramref name="count"/> valid records (no poison: the harness measures enrichment, not rejection).</summary>
    public static EnrichmentCorpus Generate(int count, int seed = 42, string kind = "smm")
    {
        Func<int, byte[]> next = kind switch
        {
            "smm" => new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = seed }) is var smm ? _ => smm.Next().Utf8 : null!,
            "pii-dense" => new PiiDenseLogGenerator(seed).Next,
            _ => throw new ArgumentException($"unknown corpus '{kind}'; allowed: {string.Join(", ", Kinds)}", nameof(kind)),
        };
        var stream = new MemoryStream(count * 480);
        var starts = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            starts[i] = checked((int)stream.Length);
            stream.Write(next(i));
        }

        starts[count] = checked((int)stream.Length);
        return new EnrichmentCorpus(stream.GetBuffer(), starts);
    }

    /// <summary><paramref name="count"/> lines taken in turn from an NDJSON file (e.g. samples/shapes.ndjson, to
    /// measure the normalization stage on the shapes it maps).</summary>
    public static EnrichmentCorpus FromFile(string path, int count)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var stream = new MemoryStream();
        var starts = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            starts[i] = checked((int)stream.Length);
            stream.Write(lines[i % lines.Length]);
        }

        starts[count] = checked((int)stream.Length);
        return new EnrichmentCorpus(stream.GetBuffer(), starts);
    }
}
