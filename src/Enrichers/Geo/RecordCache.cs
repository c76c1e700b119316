namespace Enrichers.Geo;

/// <summary>Decoded records of one database by data-section offset. Four-way set-associative: each offset has a set of
/// four slots, the newest first; a new record takes the first slot and moves the others down one, dropping the oldest.
/// Four ways rather than two because a set of two keeps only two of the records that hash to it: when the records in
/// use nearly fill the cache, the sets that three of them share would lose one of them at every pass, although the
/// cache has room. A hit writes nothing (no reordering, so threads that share a set do not fight over its cache line).
/// The enricher's records (<see cref="GeoRecord"/>) are the slots' values themselves and carry their offset, so a hit
/// reads one set and the record it returns; other types (tests decode into dictionaries) are kept in an immutable
/// entry with their offset. No lock, no growth, no allocation on a hit; a racing reader sees an old or a new value,
/// never one under another offset.</summary>
internal sealed class RecordCache
{
    /// <summary>Slots per set.</summary>
    public const int Ways = 4;

    // Each slot holds its offset beside its value, and a set's four slots lie together (64 bytes): a look-up compares the
    // offsets and takes the value from the memory it has just read, so it waits for one read of the cache before the
    // record, and a record not kept (a fifth of the look-ups with distinct addresses) costs no read of the records in
    // its set, each a likely cache miss. An offset and a value are written one after the other, so a racing reader may
    // see them from different writes: the record's own offset is checked before it is returned.
    private readonly Slot[] _slots;
    private readonly int _shift;

    /// <param name="bits">The cache holds 2^bits records (at least <see cref="Ways"/>: bits of 2 or more).</param>
    public RecordCache(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 2);
        _slots = new Slot[1 << bits];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i].Offset = -1;
        }

        _shift = 32 - (bits - 2);
    }

    /// <summary>Records the cache can hold.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Records held now (for tests and diagnostics; not cheap).</summary>
    public int Count => _slots.Select(s => s.Value).OfType<object>().Select(OffsetOf).Distinct().Count();

    public bool TryGet(int offset, out object? value)
    {
        var set = SetOf(offset);
        var slot = Volatile.Read(ref _slots[set].Offset) == offset ? Volatile.Read(ref _slots[set].Value)
            : Volatile.Read(ref _slots[set + 1].Offset) == offset ? Volatile.Read(ref _slots[set + 1].Value)
            : Volatile.Read(ref _slots[set + 2].Offset) == offset ? Volatile.Read(ref _slots[set + 2].Value)
            : Volatile.Read(ref _slots[set + 3].Offset) == offset ? Volatile.Read(ref _slots[set + 3].Value)
            : null;
        if (slot is null || OffsetOf(slot) != offset)
        {
            value = null;
            return false;
        }

        value = slot is Entry entry ? entry.Value : slot;
        return true;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="offset"/> (a <see cref="GeoRecord"/> gets it as
    /// its <see cref="GeoRecord.Offset"/>: it must not be kept anywhere else).</summary>
    public void Set(int offset, object value)
    {
        object slot;
        if (value is GeoRecord record)
        {
            record.KeepAt(offset);
            slot = record;
        }
        else
        {
            slot = new Entry(offset, value);
        }

        var set = SetOf(offset);
        for (var way = set + Ways - 1; way > set; way--)
        {
            Volatile.Write(ref _slots[way].Value, Volatile.Read(ref _slots[way - 1].Value));
            Volatile.Write(ref _slots[way].Offset, Volatile.Read(ref _slots[way - 1].Offset));
        }

        Volatile.Write(ref _slots[set].Value, slot);
        Volatile.Write(ref _slots[set].Offset, offset);
    }

    private static int OffsetOf(object slot) => slot is GeoRecord record ? record.Offset : ((Entry)slot).Offset;

    // Fibonacci hashing spreads neighbouring offsets (records stored one after another) over the sets.
    // Shifted as a ulong so that a cache of one set (a shift of 32) maps every offset to it.
    private int SetOf(int offset) => (int)((ulong)((uint)offset * 2_654_435_769u) >> _shift) << 2;

    private struct Slot
    {
        public int Offset;
        public object? Value;
    }

    private sealed record Entry(int Offset, object Value);
}
