using LogPipeline.Pipeline;

namespace LogPipeline.Kafka;

/// <summary>Tracks the records of one partition between receipt and acknowledgement, and yields the offset
/// that may be committed: one past the longest contiguous prefix of acknowledged records. Records finish out
/// of order (batches, retries, dead-lettering) but the committed offset never passes an unfinished record,
/// so a crash redelivers instead of skipping (the idiom KafkaFlow uses for concurrent consumers).
/// <para>Offsets need not be contiguous (compaction, transaction markers): the tracker only relies on them
/// growing. Acknowledgements match by record instance, so an acknowledgement from a previous assignment of
/// the same partition (lost, then assigned again) is ignored. Thread-safe.</para></summary>
internal sealed class PartitionOffsetTracker
{
    private const int MinSlots = 64;

    private readonly object _gate = new();
    private Slot[] _slots = new Slot[MinSlots];
    private int _head;
    private int _count;
    private int _peakSinceResize;
    private int _completedSinceResize;
    private int _pending;
    private long _lastTracked = -1;
    private long _firstTracked = -1;
    private long _committable = -1;
    private long _committed = -1;
    private bool _closed;

    /// <summary>Records tracked and not yet acknowledged.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>Records tracked from the oldest unacknowledged one on, acknowledged or not: what a commit cannot pass
    /// yet, and the slots the ring needs. Read without the lock (a threshold check on the consume thread).</summary>
    public int Uncommitted => Volatile.Read(ref _count);

    /// <summary>True while <paramref name="record"/> (this instance) is tracked and not yet acknowledged: false for a
    /// record of an earlier assignment of the same partition, and after <see cref="Close"/>.</summary>
    public bool IsTracking(PipelineRecord record)
    {
        lock (_gate)
        {
            if (_closed || _count == 0)
            {
                return false;
            }

            var index = Find(record.Origin.Offset);
            return index >= 0 && ReferenceEquals(_slots[index].Record, record);
        }
    }

    /// <summary>Slots in the ring (for tests): grows with the records in flight and shrinks after them.</summary>
    internal int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _slots.Length;
            }
        }
    }

    /// <summary>True after <see cref="Close"/>: nothing is tracked or acknowledged any more.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>The offset last passed to <see cref="MarkCommitted"/>, or null.</summary>
    public long? CommittedOffset
    {
        get
        {
            lock (_gate)
            {
                return _committed < 0 ? null : _committed;
            }
        }
    }

    /// <summary>One past the contiguous acknowledged prefix (the offset to commit), or null while no record
    /// at the start of the tracked range has been acknowledged.</summary>
    public long? AcknowledgedOffset
    {
        get
        {
            lock (_gate)
            {
                return _committable < 0 ? null : _committable;
            }
        }
    }

    /// <summary>Where this worker stands in the partition: the acknowledged offset, or the first offset
    /// received while nothing is acknowledged yet, or null before any record. Used for consumer lag.</summary>
    public long? Position
    {
        get
        {
            lock (_gate)
            {
                return _committable >= 0 ? _committable : _firstTracked >= 0 ? _firstTracked : null;
            }
        }
    }

    /// <summary>The offset to commit if it moved since the last commit; otherwise null.</summary>
    public long? OffsetToCommit
    {
        get
        {
            lock (_gate)
            {
                return _committable > _committed ? _committable : null;
            }
        }
    }

    /// <summary>Starts tracking <paramref name="record"/>. Returns false (do not process it) when the tracker
    /// is closed or the offset is not past the last tracked one (a redelivery within this assignment).</summary>
    public bool Track(PipelineRecord record)
    {
        var offset = record.Origin.Offset;
        lock (_gate)
        {
            if (_closed || offset <= _lastTracked)
            {
                return false;
            }

            if (_count == _slots.Length)
            {
                Resize(_slots.Length * 2);
            }

            _slots[(_head + _count) % _slots.Length] = new Slot(offset, record);
            _count++;
            _peakSinceResize = Math.Max(_peakSinceResize, _count);
            _pending++;
            _lastTracked = offset;
            if (_firstTracked < 0)
            {
                _firstTracked = offset;
            }

            return true;
        }
    }

    /// <summary>Marks <paramref name="record"/> done. Returns true only for the first acknowledgement of a
    /// record this tracker holds; false for unknown, repeated or late (after <see cref="Close"/>) ones.</summary>
    public bool Complete(PipelineRecord record)
    {
        var offset = record.Origin.Offset;
        lock (_gate)
        {
            if (_closed || _count == 0)
            {
                return false;
            }

            var index = Find(offset);
            if (index < 0)
            {
                return false;
            }

            ref var slot = ref _slots[index];
            // A done slot holds no record, so a repeated acknowledgement does not match either.
            if (!ReferenceEquals(slot.Record, record))
            {
                return false;
            }

            slot.Record = null; // done; the record's memory is released now, even if an earlier one is still pending
            _pending--;
            while (_count > 0 && _slots[_head].Done)
            {
                _committable = _slots[_head].Offset + 1;
                _slots[_head] = default;
                _head = (_head + 1) % _slots.Length;
                _count--;
            }

            // A burst (a partition that had most of the in-flight bound to itself) must not keep its ring for the
            // assignment's lifetime (most partitions hold a few dozen records in flight). But partitions fill and
            // drain in batches of thousands, so shrinking whenever the ring ran low made it grow again on the next
            // batch, a large share of the worker's allocations. So the ring is sized to twice its peak over the last
            // four turns, and only looked at once per four turns (heap dump and allocation trace: docs/kafka.md).
            if (++_completedSinceResize >= _slots.Length * 4)
            {
                var size = _slots.Length;
                while (size > MinSlots && _peakSinceResize < size / 4)
                {
                    size /= 2;
                }

                if (size < _slots.Length)
                {
                    Resize(size);
                }

                _completedSinceResize = 0;
                _peakSinceResize = _count;
            }

            return true;
        }
    }

    /// <summary>Records that <paramref name="offset"/> was committed to Kafka.</summary>
    public void MarkCommitted(long offset)
    {
        lock (_gate)
        {
            if (offset > _committed)
            {
                _committed = offset;
            }
        }
    }

    /// <summary>Stops tracking (revoke, loss, shutdown) and returns the records still unacknowledged, so the
    /// caller can release their in-flight accounting. Later acknowledgements are ignored.</summary>
    public IReadOnlyList<PipelineRecord> Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return [];
            }

            _closed = true;
            var unfinished = new List<PipelineRecord>(_pending);
            for (var i = 0; i < _count; i++)
            {
                var slot = _slots[(_head + i) % _slots.Length];
                if (slot.Record is not null)
                {
                    unfinished.Add(slot.Record);
                }
            }

            _slots = [];
            _head = _count = _pending = 0;
            return unfinished;
        }
    }

    private int Find(long offset)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var index = (_head + mid) % _slots.Length;
            var value = _slots[index].Offset;
            if (value == offset)
            {
                return index;
            }

            if (value < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    private void Resize(int size)
    {
        var resized = new Slot[size];
        for (var i = 0; i < _count; i++)
        {
            resized[i] = _slots[(_head + i) % _slots.Length];
        }

        _slots = resized;
        _head = 0;
        _completedSinceResize = 0;
    }

    /// <summary>16 bytes: a ring holds thousands of them per partition (a partition's records arrive in
    /// batches), so a separate done flag would have made every ring half as large again.</summary>
    private struct Slot(long offset, PipelineRecord record)
    {
        public readonly long Offset = offset;

        /// <summary>The record until it is acknowledged; null once done.</summary>
        public PipelineRecord? Record = record;

        public readonly bool Done => Record is null;
    }
}
