namespace Enrichers.Geo;

/// <summary>Values decoded from a database's data section, kept by the offset they were decoded from. Two-way
/// set-associative: each offset has a set of two slots, the most recently used first; a new value takes the
/// first slot and moves the one there to the second, dropping the least recently used of the pair. No lock, no
/// growth, no allocation on a hit, and a lookup reads at most two neighbouring slots, where a dictionary costs a
/// bucket, a node and often a move between generations. Entries are immutable and carry their offset, so a racing
/// reader sees an old or a new entry, never a value under another offset; a race may only drop or repeat one.</summary>
internal sealed class OffsetCache<T>
    where T : class
{
    private readonly Entry?[] _slots;
    private readonly int _shift;

    /// <param name="bits">The cache holds 2^bits values (at least 2).</param>
    public OffsetCache(int bits)
    {
        _slots = new Entry?[1 << bits];
        _shift = 32 - (bits - 1);
    }

    /// <summary>Values held now (for tests and diagnostics; not cheap).</summary>
    public int Count => _slots.Where(entry => entry is not null).Select(entry => entry!.Offset).Distinct().Count();

    public bool TryGet(int offset, out T? value)
    {
        var set = SetOf(offset);
        var first = Volatile.Read(ref _slots[set]);
        if (first is not null && first.Offset == offset)
        {
            value = first.Value;
            return true;
        }

        var second = Volatile.Read(ref _slots[set + 1]);
        if (second is not null && second.Offset == offset)
        {
            // Used again: first in its set, so the next new value replaces the other one.
            Volatile.Write(ref _slots[set], second);
            Volatile.Write(ref _slots[set + 1], first);
            value = second.Value;
            return true;
        }

        value = null;
        return false;
    }

    public void Set(int offset, T value)
    {
        var set = SetOf(offset);
        Volatile.Write(ref _slots[set + 1], Volatile.Read(ref _slots[set]));
        Volatile.Write(ref _slots[set], new Entry(offset, value));
    }

    // Fibonacci hashing spreads neighbouring offsets (records stored one after another) over the sets.
    private int SetOf(int offset) => (int)((uint)offset * 2_654_435_769u >> _shift) << 1;

    private sealed record Entry(int Offset, T Value);
}
