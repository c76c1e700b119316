namespace Enrichers.Normalization;

/// <summary>Which of the stage's top-level names a record has (<see cref="TopLevelNameIndex.Scan"/>), one bit per name
/// id: a step, a list of steps or a rule whose names are absent is ruled out by ANDing its <see cref="NameSet"/> with
/// these words, exactly (no summary that names share, no flag per name to read after it).</summary>
internal ref struct PresentNames(Span<ulong> words)
{
    private readonly Span<ulong> _words = words;

    /// <summary>The words of the bits, for <see cref="NameSet.Overlaps"/> and for walking the present names.</summary>
    public readonly ReadOnlySpan<ulong> Words => _words;

    /// <summary>The words a record of <paramref name="nameCount"/> names needs (at least one, so every set can look).</summary>
    public static int WordCount(int nameCount) => Math.Max(1, (nameCount + 63) >> 6);

    public void Set(int id) => _words[id >> 6] |= 1UL << id;

    public readonly bool Contains(int id) => (_words[id >> 6] & (1UL << id)) != 0;

    /// <summary>True when <paramref name="names"/> has a name the record has.</summary>
    public readonly bool Has(NameSet names) => names.Overlaps(_words);

    /// <summary>True when <paramref name="step"/> can start at a name the record has.</summary>
    public readonly bool Has(PathStep step) => step.Names.Overlaps(_words);

    public void Clear() => _words.Clear();
}
