namespace LogPipeline.Demo.Generator;

/// <summary>What a <see cref="SmmLogGenerator"/> has produced so far, by kind: the expected totals a run of
/// the chain over the same lines must reproduce (nothing lost, nothing invented).</summary>
public sealed class SmmLogCounts
{
    private readonly Dictionary<string, long> _poison = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errorCategories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _services = new(StringComparer.Ordinal);

    /// <summary>Lines generated.</summary>
    public long Total { get; private set; }

    /// <summary>Lines that are valid records (must each produce one output document).</summary>
    public long Valid => Total - Poison;

    /// <summary>Poison lines (must each be rejected with their kind as reason code).</summary>
    public long Poison => _poison.Values.Sum();

    /// <summary>Valid records that carry a trace ID in one of the supported formats.</summary>
    public long WithTrace { get; private set; }

    /// <summary>Poison lines by rejection code (invalid_json, not_an_object, invalid_utf8, too_large, too_deep, empty).</summary>
    public IReadOnlyDictionary<string, long> PoisonByKind => _poison;

    /// <summary>Error records by the category they must get.</summary>
    public IReadOnlyDictionary<string, long> ErrorCategories => _errorCategories;

    /// <summary>Valid records by service.</summary>
    public IReadOnlyDictionary<string, long> Services => _services;

    internal void Add(in SmmLogLine line)
    {
        Total++;
        if (line.PoisonKind is not null)
        {
            Increment(_poison, line.PoisonKind);
            return;
        }

        Increment(_services, line.Service);
        if (line.ErrorCategory is not null)
        {
            Increment(_errorCategories, line.ErrorCategory);
        }

        if (line.TraceId is not null)
        {
            WithTrace++;
        }
    }

    private static void Increment(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
