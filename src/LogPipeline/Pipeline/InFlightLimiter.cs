using LogPipeline.Diagnostics;

namespace LogPipeline.Pipeline;

/// <summary>Bounds the records and bytes received but not yet acknowledged, and decides when the consume loop
/// holds, pauses and resumes. Receipt reserves, processing settles the byte count to the record's real size, and
/// an acknowledgement (or the close of its partition) releases. The counts are updated from every stage with
/// interlocked operations; <see cref="Decide"/> and <see cref="WaitForRoom"/> are called by the consume thread only.</summary>
internal sealed class InFlightLimiter(long maxBytes, int maxRecords, double resumeThreshold, TimeSpan pauseAfter, PipelineMetrics metrics)
{
    private readonly long _pauseAfterMs = (long)pauseAfter.TotalMilliseconds;
    private readonly ManualResetEventSlim _room = new(false);
    private volatile bool _waitingForRoom;
    private long _bytes;
    private long _records;
    private long _holds;

    // When the current hold began (0: not holding); the consume thread's only.
    private long _heldSince;

    /// <summary>Bytes of records received and not yet acknowledged.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Records received and not yet acknowledged.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Times the consume loop stopped taking records at a bound.</summary>
    public long HoldCount => Interlocked.Read(ref _holds);

    /// <summary>Counts a received record. <paramref name="byteCount"/> includes room for the document it will
    /// become (about the size of its value), so the byte bound holds while processors work.</summary>
    public void Reserve(long byteCount)
    {
        Interlocked.Add(ref _bytes, byteCount);
        Interlocked.Increment(ref _records);
    }

    /// <summary>Corrects the byte count: the document's reservation once a record is processed, or its release
    /// for a record dropped before processing.</summary>
    public void AdjustBytes(long delta) => Interlocked.Add(ref _bytes, delta);

    /// <summary>A record left the pipeline (acknowledged, or its partition closed): wakes the consume loop when
    /// that makes room.</summary>
    public void Release(PipelineRecord record)
    {
        var b = Interlocked.Add(ref _bytes, -record.SizeBytes);
        var r = Interlocked.Decrement(ref _records);
        if (_waitingForRoom && b < maxBytes && r < maxRecords)
        {
            _room.Set();
        }
    }

    /// <summary>At a bound, holds for up to the pause delay, then pauses until both counts fall below the
    /// low-water mark. <paramref name="paused"/> is whether the loop paused its partitions.</summary>
    public InFlightDecision Decide(long now, bool paused)
    {
        var b = Bytes;
        var r = Records;
        if (paused)
        {
            if (b < maxBytes * resumeThreshold && r < maxRecords * resumeThreshold)
            {
                EndHold(now);
                return InFlightDecision.Resume;
            }

            return InFlightDecision.Take;
        }

        if (b < maxBytes && r < maxRecords)
        {
            EndHold(now);
            return InFlightDecision.Take;
        }

        if (_heldSince == 0)
        {
            _heldSince = now;
            Interlocked.Increment(ref _holds);
        }

        // The time paused counts as backpressure too: heldSince runs on until the resume.
        return now - _heldSince < _pauseAfterMs ? InFlightDecision.Hold : InFlightDecision.Pause;
    }

    /// <summary>Blocks the consume thread until an acknowledgement brings the counts under the bounds, for at most
    /// a short while (so commits, gauges and the pause deadline are still looked after).</summary>
    public void WaitForRoom(CancellationToken token)
    {
        _room.Reset();
        _waitingForRoom = true;
        try
        {
            // Checked after the flag is up, so a release between the caller's check and here is not missed.
            if (Bytes >= maxBytes || Records >= maxRecords)
            {
                _room.Wait(50, token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _waitingForRoom = false;
        }
    }

    private void EndHold(long now)
    {
        if (_heldSince != 0)
        {
            metrics.BackpressureSeconds.Inc((now - _heldSince) / 1000.0);
            _heldSince = 0;
        }
    }
}
