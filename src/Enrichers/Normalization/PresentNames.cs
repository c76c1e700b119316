namespace Enrichers.Normalization;

/// <summary>Which of the stage's top-level names a record has (<see cref="TopLevelNameIndex.Scan"/>), one bit per name
/// id: a step, a list of steps or a rule whose names are absent is ruled out by ANDing its <see cref="NameSet"/> with
/// these words, exactly (no summary that names shared, no flag per name to read after it). Beside the bits, where the
/// scan met each name first: a step that reads a top-level name takes its property from there instead of comparing
/// the root's names again, as long as no property of the root was added or removed since the scan.</summary>
/// <param name="words">The bits: all zero to start with.</param>
/// <param name="slots">One entry per name id, any content to start with: an entry is read only for a name the scan found.</param>
internal ref struct PresentNames(Span<ulong> words, Span<int> slots)
{
    private readonly Span<ulong> _words = words;
    private readonly Span<int> _slots = slots;

    // Set once a step may have added or removed a property of the root: the scan's places may then be off.
    private bool _moved;

    /// <summary>The words of the bits, for <see cref="NameSet.Overlaps"/> and for walking the present names.</summary>
    public readonly ReadOnlySpan<ulong> Words => _words;

    /// <summary>The words a record of <paramref name="nameCount"/> names needs (at least one, so every set can look).</summary>
    public static int WordCount(int nameCount) => Math.Max(1, (nameCount + 63) >> 6);

    /// <summary>The scan met name <paramref name="id"/> at index <paramref name="slot"/> of the root (the first place
    /// counts, as a lookup by name finds the first).</summary>
    public void Found(int id, int slot)
    {
        ref var word = ref _words[id >> 6];
        if ((word & (1UL << id)) == 0)
        {
            word |= 1UL << id;
            _slots[id] = slot;
        }
    }

    /// <summary>A step wrote name <paramref name="id"/>: it is present from now on, and the root's places may have moved.</summary>
    public void Set(int id)
    {
        _words[id >> 6] |= 1UL << id;
        _moved = true;
    }

    /// <summary>A step may have added or removed a property of the root: the scan's places are no longer used.</summary>
    public void RootChanged() => _moved = true;

    /// <summary>The index in the root of the first property named <paramref name="id"/>, when the scan's places still
    /// hold; -1 when the name is absent or a step may have moved the root's properties (look it up by name).</summary>
    public readonly int SlotOf(int id) => _moved || !Contains(id) ? -1 : _slots[id];

    /// <summary>As <see cref="SlotOf(int)"/> for the name <paramref name="step"/> is, when it is one top-level name
    /// (no dot); -1 for a dotted path, which a lookup reads as a dotted key first and then nested.</summary>
    public readonly int SlotOf(PathStep step) => step.IsTopLevel ? SlotOf(step.FirstId) : -1;

    public readonly bool Contains(int id) => (_words[id >> 6] & (1UL << id)) != 0;

    /// <summary>True when <paramref name="names"/> has a name the record has.</summary>
    public readonly bool Has(NameSet names) => names.Overlaps(_words);

    /// <summary>True when <paramref name="step"/> can start at a name the record has.</summary>
    public readonly bool Has(PathStep step) => step.Names.Overlaps(_words);

    /// <summary>Forgets every name and place, for a new scan.</summary>
    public void Clear()
    {
        _words.Clear();
        _moved = false;
    }
}
