using System.Collections.Concurrent;

namespace LogPipeline.Pipeline;

/// <summary>Slabs that hold the bytes of records in flight (Kafka values, enriched documents), so those bytes are
/// not one garbage-collected array per record.
/// <para>Why: a record lives from its fetch until Elasticsearch acknowledged it, often a second or more. Per-record
/// arrays that live that long survive every young collection and are copied into the old generation, then
/// collected there by background GCs; measured end to end, that was the largest single cost of the worker after
/// enrichment and most of its resident memory. Slabs are pinned, long-lived and reused, so the collector neither
/// copies nor scans the bytes.</para>
/// <para>Rules: a <see cref="RecordBufferWriter"/> (one per thread) copies bytes into its current slab; each copy
/// holds a reference on the slab, dropped by <see cref="PipelineRecord.ReleaseBuffers"/> once nothing reads the
/// record any more. A slab whose references are all dropped goes back to the free list. A record that is never
/// released (a sink disposed with records inside) only keeps its slab from being reused: the collector frees it,
/// so a missed release costs memory for a while, never correctness. Bytes longer than
/// <see cref="MaxPooledLength"/> get an array of their own, so one large record does not pin a slab.</para></summary>
internal sealed class RecordBufferPool
{
    /// <summary>Bytes per slab: a few hundred typical log records.</summary>
    public const int SlabSize = 128 * 1024;

    /// <summary>Longer byte strings are not pooled.</summary>
    public const int MaxPooledLength = 16 * 1024;

    private readonly ConcurrentStack<RecordBufferSlab> _free = new();
    private readonly int _maxFreeSlabs;
    private readonly int _slabSize;
    private int _freeCount;
    private long _slabsCreated;

    /// <param name="maxFreeSlabs">Free slabs kept for reuse; more are left to the collector, so an idle worker
    /// gives back what a burst needed. Default 128 (16 MiB).</param>
    /// <param name="slabSize">Bytes per slab (tests use small slabs so that slabs are reused often).</param>
    public RecordBufferPool(int maxFreeSlabs = 128, int slabSize = SlabSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFreeSlabs);
        ArgumentOutOfRangeException.ThrowIfLessThan(slabSize, 1024);
        _maxFreeSlabs = maxFreeSlabs;
        _slabSize = slabSize;
        MaxLength = Math.Min(MaxPooledLength, slabSize / 4);
    }

    /// <summary>Longer byte strings get an array of their own.</summary>
    internal int MaxLength { get; }

    /// <summary>Allocates a slab's array. Pinned: the collector never moves (copies) it, and it lives outside the
    /// generations that are compacted. Tests replace it to make an allocation fail.</summary>
    internal Func<int, byte[]> AllocateSlab { get; init; } = size => GC.AllocateUninitializedArray<byte>(size, pinned: true);

    /// <summary>Slabs allocated since the start (reused ones are not counted again).</summary>
    public long SlabsCreated => Interlocked.Read(ref _slabsCreated);

    /// <summary>Slabs waiting in the free list.</summary>
    public int FreeSlabs => Volatile.Read(ref _freeCount);

    /// <summary>A writer for one thread at a time; dispose it when that thread is done.</summary>
    public RecordBufferWriter CreateWriter() => new(this);

    internal RecordBufferSlab Rent()
    {
        if (_free.TryPop(out var slab))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            slab = new RecordBufferSlab(this, AllocateSlab(_slabSize));
            Interlocked.Increment(ref _slabsCreated);
        }

        slab.Reset();
        return slab;
    }

    internal void Return(RecordBufferSlab slab)
    {
        if (Interlocked.Increment(ref _freeCount) <= _maxFreeSlabs)
        {
            _free.Push(slab);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }
}
