namespace Enrichers.Normalization;

/// <summary>Which of the stage's top-level names a record has (<see cref="TopLevelNameIndex.Scan"/>), with a 64-bit
/// summary of them: most steps' names are absent from a record that is already canonical, and the summary rules such
/// a step out with one AND instead of a look at each of its names.</summary>
internal ref struct PresentNames(Span<bool> flags)
{
    private readonly Span<bool> _flags = flags;
    private ulong _summary;

    /// <summary>True when any name was marked.</summary>
    public readonly bool Any => _summary != 0;

    /// <summary>True when a name of <paramref name="mask"/>'s bits may be present (the flags decide for sure).</summary>
    public readonly bool Intersects(ulong mask) => (mask & _summary) != 0;

    public void Set(int id)
    {
        _flags[id] = true;
        _summary |= PathStep.Bit(id);
    }

    /// <summary>True when <paramref name="step"/> can start at a name the record has.</summary>
    public readonly bool Has(PathStep step) => (step.Mask & _summary) != 0 && step.AnyIn(_flags);

    public void Clear()
    {
        _flags.Clear();
        _summary = 0;
    }
}
