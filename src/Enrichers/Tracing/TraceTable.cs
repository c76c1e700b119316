using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Enrichers.Tracing;

/// <summary>The traces one session remembers: their <see cref="TraceSlot"/>s, an index from ID to slot, and a
/// recency list (most recently seen at the head, so the idle and the least recently used traces sit at the tail).
/// Not thread-safe (one per session).
/// <para>Laid out for the case that costs most: at the trace budget nearly every record of a busy stream is a new
/// trace, so finding it fails, the oldest trace goes and its slot takes the new one. The index is open addressing
/// over one array of 64-bit entries (the hash beside the slot number), so a failed lookup and a removal read one
/// place of it each and no trace; the slots are reused in recency order, so the tail's data is read in sequence.
/// Slots sit in fixed-size chunks: growing copies nothing, and a session allocates only the chunks it fills.</para></summary>
internal sealed class TraceTable
{
    /// <summary>No slot (an empty link).</summary>
    public const int None = -1;

    // 256 slots of 64 bytes: 16 KiB per chunk, little unused room for the many small sessions of a worker.
    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MinIndexSize = 16;

    private TraceSlot[]?[] _chunks = [];

    // Each slot's hash, beside the slots in arrays of their own (a chunk's worth each): the removal of the oldest trace
    // (the next new trace's, at the budget) needs its index place, and read from here it costs one int of a line that
    // holds the hashes of the 15 traces next in recency order, where from the slot it waited for the slot's line and
    // then hashed the ID again.
    private int[]?[] _hashes = [];
    private int _slotsMade;
    private int _free = None;

    // Entry: the hash in the high 32 bits, slot + 1 in the low 32 bits; 0 is an empty place.
    private ulong[] _index = new ulong[MinIndexSize];
    private int _head = None;
    private int _tail = None;

    public int Count { get; private set; }

    /// <summary>The least recently seen trace, or <see cref="None"/>.</summary>
    public int Oldest => _tail;

    public ref TraceSlot this[int slot] => ref _chunks[slot >> ChunkBits]![slot & (ChunkSize - 1)];

    /// <summary>The slot of the trace with <paramref name="key"/>, or <see cref="None"/>.</summary>
    public int Find(in TraceKey key)
    {
        var mask = _index.Length - 1;
        for (var i = key.Hash & mask; ; i = (i + 1) & mask)
        {
            var entry = _index[i];
            if (entry == 0)
            {
                return None;
            }

            if ((int)(entry >> 32) == key.Hash)
            {
                var slot = (int)(uint)entry - 1;
                if (KeyEquals(ref this[slot], key))
                {
                    return slot;
                }
            }
        }
    }

    /// <summary>Asks the processor to fetch the index place where a lookup of <paramref name="key"/> starts, so that
    /// the miss overlaps the work before <see cref="Find"/>: at the trace budget the index is megabytes, read at
    /// random places.</summary>
    public unsafe void Prefetch(in TraceKey key)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _index[key.Hash & (_index.Length - 1)]));
        }
    }

    /// <summary>As <see cref="Prefetch"/> for the index place of the least recently seen trace, which the next new
    /// trace at the budget takes out of the index.</summary>
    public unsafe void PrefetchOldest()
    {
        if (Sse.IsSupported && _tail != None)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _index[HashOf(_tail) & (_index.Length - 1)]));
        }
    }

    /// <summary>Asks the processor to fetch the slot of the least recently seen trace, which the next new trace at the
    /// budget unlinks and takes over.</summary>
    public unsafe void PrefetchOldestSlot()
    {
        if (Sse.IsSupported && _tail != None)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref this[_tail]));
        }
    }

    /// <summary>Adds the trace of <paramref name="key"/> (not present) at the head of the recency list, with nothing
    /// seen yet, and returns its slot.</summary>
    public int Add(in TraceKey key)
    {
        if ((Count + 1) * 4 > _index.Length * 3)
        {
            GrowIndex();
        }

        var slot = TakeFreeSlot();
        Count++;
        Assign(slot, key);
        return slot;
    }

    /// <summary>Forgets the trace in <paramref name="slot"/> and gives the slot to the trace of <paramref name="key"/>
    /// (not present), at the head of the recency list with nothing seen yet: what a new trace does at the budget.</summary>
    public void Replace(int slot, in TraceKey key)
    {
        Unindex(slot);
        Unlink(slot);
        Assign(slot, key);
    }

    /// <summary>Forgets the trace in <paramref name="slot"/>. The last trace to go takes the storage with it when it
    /// had grown past one chunk: slots are kept for reuse, and a session whose traces all went idle (a partition that
    /// fell quiet) would otherwise hold the room of its busiest hour for as long as it lives.</summary>
    public void Remove(int slot)
    {
        Unindex(slot);
        Unlink(slot);
        ref var s = ref this[slot];
        s = default;
        s.Next = _free;
        _free = slot;
        if (--Count == 0 && _slotsMade > ChunkSize)
        {
            Clear();
        }
    }

    /// <summary>Slots made so far (in use or free): the storage the table holds.</summary>
    internal int Capacity => _slotsMade;

    /// <summary>Moves the trace in <paramref name="slot"/> to the head of the recency list.</summary>
    public void MoveToFront(int slot)
    {
        if (slot != _head)
        {
            Unlink(slot);
            LinkFirst(slot);
        }
    }

    /// <summary>Forgets every trace and lets the storage go.</summary>
    public void Clear()
    {
        _chunks = [];
        _hashes = [];
        _slotsMade = 0;
        _free = None;
        _index = new ulong[MinIndexSize];
        _head = _tail = None;
        Count = 0;
    }

    private void Assign(int slot, in TraceKey key)
    {
        ref var s = ref this[slot];
        var longId = s.LongId;
        if (TraceKey.IsLong(key.Shape))
        {
            if (longId is null || longId.Length < key.Rest.Length)
            {
                longId = new byte[key.Rest.Length];
            }

            key.Rest.CopyTo(longId);
        }

        s = new TraceSlot { Low = key.Low, High = key.High, Shape = key.Shape, LongId = longId };
        _hashes[slot >> ChunkBits]![slot & (ChunkSize - 1)] = key.Hash;
        Insert(key.Hash, slot);
        LinkFirst(slot);
    }

    private static bool KeyEquals(ref TraceSlot s, in TraceKey key) =>
        s.Low == key.Low && s.High == key.High && s.Shape == key.Shape
        && (!TraceKey.IsLong(key.Shape) || key.Rest.SequenceEqual(s.LongId.AsSpan(0, key.Rest.Length)));

    private int HashOf(int slot) => _hashes[slot >> ChunkBits]![slot & (ChunkSize - 1)];

    private void Insert(int hash, int slot)
    {
        var mask = _index.Length - 1;
        var i = hash & mask;
        while (_index[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _index[i] = ((ulong)(uint)hash << 32) | (uint)(slot + 1);
    }

    /// <summary>Takes the slot's entry out of the index, shifting later entries of its run back into the gap
    /// (linear probing keeps no tombstones, so lookups never slow down with churn).</summary>
    private void Unindex(int slot)
    {
        var mask = _index.Length - 1;
        var hash = HashOf(slot);
        var wanted = ((ulong)(uint)hash << 32) | (uint)(slot + 1);
        var gap = hash & mask;
        while (_index[gap] != wanted)
        {
            gap = (gap + 1) & mask;
        }

        for (var i = (gap + 1) & mask; _index[i] != 0; i = (i + 1) & mask)
        {
            // An entry may fill the gap only if its home place is not between the gap and itself (cyclically).
            var home = (int)(_index[i] >> 32) & mask;
            var stays = gap <= i ? gap < home && home <= i : gap < home || home <= i;
            if (!stays)
            {
                _index[gap] = _index[i];
                gap = i;
            }
        }

        _index[gap] = 0;
    }

    private void GrowIndex()
    {
        var old = _index;
        _index = new ulong[old.Length * 2];
        var mask = _index.Length - 1;
        foreach (var entry in old)
        {
            if (entry != 0)
            {
                var i = (int)(entry >> 32) & mask;
                while (_index[i] != 0)
                {
                    i = (i + 1) & mask;
                }

                _index[i] = entry;
            }
        }
    }

    private int TakeFreeSlot()
    {
        if (_free != None)
        {
            var slot = _free;
            _free = this[slot].Next;
            return slot;
        }

        var chunk = _slotsMade >> ChunkBits;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, Math.Max(4, _chunks.Length * 2));
            Array.Resize(ref _hashes, _chunks.Length);
        }

        _chunks[chunk] ??= new TraceSlot[ChunkSize];
        _hashes[chunk] ??= new int[ChunkSize];
        return _slotsMade++;
    }

    private void LinkFirst(int slot)
    {
        ref var s = ref this[slot];
        s.Previous = None;
        s.Next = _head;
        if (_head != None)
        {
            this[_head].Previous = slot;
        }

        _head = slot;
        if (_tail == None)
        {
            _tail = slot;
        }
    }

    private void Unlink(int slot)
    {
        ref var s = ref this[slot];
        if (s.Previous == None)
        {
            _head = s.Next;
        }
        else
        {
            this[s.Previous].Next = s.Next;
        }

        if (s.Next == None)
        {
            _tail = s.Previous;
        }
        else
        {
            this[s.Next].Previous = s.Previous;
        }

        s.Previous = s.Next = None;
    }
}
