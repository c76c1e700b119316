namespace Enrichers.Geo;

/// <summary>Values decoded from a database's data section, kept by the offset they were decoded from, for the
/// data that many records point to (a country, a continent, a subdivision, a city, a time zone): a record met for
/// the first time is then mostly assembled from values already made. Direct-mapped: a fixed array of slots, one
/// slot per offset, a newer value replacing whatever held its slot; no lock, no growth, and a lookup costs one
/// array read. Entries are immutable, so a racing reader sees an old or a new entry, never a torn one.</summary>
internal sealed class OffsetCache<T>
    where T : class
{
    private readonly Entry?[] _slots;
    private readonly int _shift;

    /// <param name="bits">The cache holds 2^bits slots.</param>
    public OffsetCache(int bits)
    {
        _slots = new Entry?[1 << bits];
        _shift = 32 - bits;
    }

    public bool TryGet(int offset, out T? value)
    {
        var entry = Volatile.Read(ref _slots[Slot(offset)]);
        value = entry?.Offset == offset ? entry.Value : null;
        return value is not null;
    }

    public void Set(int offset, T value) => Volatile.Write(ref _slots[Slot(offset)], new Entry(offset, value));

    // Fibonacci hashing spreads neighbouring offsets (records stored one after another) over the slots.
    private int Slot(int offset) => (int)((uint)offset * 2_654_435_769u >> _shift);

    private sealed record Entry(int Offset, T Value);
}
