namespace Enrichers.Geo;

/// <summary>Decoded records of one database by data-section offset. Two-way set-associative: each offset has a set of
/// two slots, the newest first; a new record takes the first slot and moves the one there to the second, dropping
/// the older of the pair. A hit writes nothing (no reordering, so threads that share a set do not fight over its
/// cache line). The enricher's records (<see cref="GeoRecord"/>) are the slots' values themselves and carry their
/// offset, so a hit reads one slot and the record it returns; other types (tests decode into dictionaries) are kept
/// in an immutable entry with their offset. No lock, no growth, no allocation on a hit; a racing reader sees an old
/// or a new value, never one under another offset.</summary>
internal sealed class RecordCache
{
    private readonly object?[] _slots;

    // The offset each slot holds, beside the slots: a look-up compares these and reads only the record it finds, so a
    // record not kept (a fifth of the look-ups with distinct addresses) costs no read of the records in its set, each
    // a likely cache miss. A racing reader may see an offset and a slot of different writes: the record's own offset
    // is checked before it is returned.
    private readonly int[] _offsets;
    private readonly int _shift;

    /// <param name="bits">The cache holds 2^bits records (at least 2).</param>
    public RecordCache(int bits)
    {
        _slots = new object?[1 << bits];
        _offsets = new int[1 << bits];
        Array.Fill(_offsets, -1);
        _shift = 32 - (bits - 1);
    }

    /// <summary>Records held now (for tests and diagnostics; not cheap).</summary>
    public int Count => _slots.OfType<object>().Select(OffsetOf).Distinct().Count();

    public bool TryGet(int offset, out object? value)
    {
        var set = SetOf(offset);
        var way = Volatile.Read(ref _offsets[set]) == offset ? set
            : Volatile.Read(ref _offsets[set + 1]) == offset ? set + 1
            : -1;
        var slot = way < 0 ? null : Volatile.Read(ref _slots[way]);
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
        Volatile.Write(ref _slots[set + 1], Volatile.Read(ref _slots[set]));
        Volatile.Write(ref _offsets[set + 1], Volatile.Read(ref _offsets[set]));
        Volatile.Write(ref _slots[set], slot);
        Volatile.Write(ref _offsets[set], offset);
    }

    private static int OffsetOf(object slot) => slot is GeoRecord record ? record.Offset : ((Entry)slot).Offset;

    // Fibonacci hashing spreads neighbouring offsets (records stored one after another) over the sets.
    private int SetOf(int offset) => (int)((uint)offset * 2_654_435_769u >> _shift) << 1;

    private sealed record Entry(int Offset, object Value);
}
