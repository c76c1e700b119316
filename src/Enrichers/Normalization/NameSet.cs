namespace Enrichers.Normalization;

/// <summary>A set of the stage's top-level names (their ids in its <see cref="TopLevelNameIndex"/>) as bits of 64-bit
/// words, tested against a record's <see cref="PresentNames"/> exactly: a step or a list of steps whose names the
/// record lacks is ruled out by one AND (two or more only when its names are far apart in the index). Immutable.</summary>
internal sealed class NameSet
{
    // The first word that holds bits of the set, and the others, if any (a set's names are few and mostly in one word).
    private readonly int _word;
    private readonly ulong _bits;
    private readonly (int Word, ulong Bits)[] _more;

    public NameSet(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var words = new SortedDictionary<int, ulong>();
        foreach (var id in ids)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id);
            words[id >> 6] = words.GetValueOrDefault(id >> 6) | (1UL << id);
        }

        Ids = words.SelectMany(w => Enumerable.Range(0, 64).Where(b => (w.Value & (1UL << b)) != 0).Select(b => (w.Key << 6) + b)).ToArray();
        if (words.Count == 0)
        {
            _more = [];
            return;
        }

        (_word, _bits) = (words.First().Key, words.First().Value);
        _more = words.Skip(1).Select(w => (w.Key, w.Value)).ToArray();
    }

    /// <summary>The ids, ascending.</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>The set of every name of <paramref name="sets"/>.</summary>
    public static NameSet Union(IEnumerable<NameSet> sets) => new(sets.SelectMany(s => s.Ids));

    /// <summary>True when a name of the set is among <paramref name="present"/>'s bits (the record's words, one bit per
    /// id of the index, as many words as the index needs).</summary>
    public bool Overlaps(ReadOnlySpan<ulong> present) => (present[_word] & _bits) != 0 || (_more.Length != 0 && OverlapsMore(present));

    private bool OverlapsMore(ReadOnlySpan<ulong> present)
    {
        foreach (var (word, bits) in _more)
        {
            if ((present[word] & bits) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
