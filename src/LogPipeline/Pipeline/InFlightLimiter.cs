using LogPipeline.Diagnostics;

namespace LogPipeline.Pipeline;

/// <summary>Bounds the records and bytes received but not yet acknowledged, and decides when the consume loop
/// holds, pauses and resumes. Receipt reserves, processing settles the byte count to the record's real size, and
/// an acknowledgement (or the close of its partition) releases. The counts are updated from every stage with
/// interlocked operations; <see cref="Decide"/> and <see cref="WaitForRoom"/> are called by the consume thread only.</summary>
internal sealed class InFlightLimiter(long maxBytes, int maxRecords, double resumeThreshold, TimeSpan pauseAfter, PipelineMetrics metrics)
{
    private readonly long pauseAfterMs = (long)pauseAfter.TotalMilliseconds;
    private readonly ManualResetEventSlim room = new(false);
    private volatile bool waitingForRoom;
    private long bytes;
    private long records;
    private long holds;

    // When the current hold began (0: not holding); the consume thread's only.
    private long heldSince;

    /// <summary>Bytes of records received and not yet acknowledged.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Records received and not yet acknowledged.</summary>
    public long Records => Interlocked.Read(ref records);

    /// <summary>Times the consume loop stopped taking records at a bound.</summary>
    public long HoldCount => Interlocked.Read(ref holds);

    /// <summary>Counts a received record. <paramref name="byteCount"/> includes room for the document it will
    /// become (about the size of its value), so the byte bound holds while processors work.</summary>
    public void Reserve(long byteCount)
    {
        Interlocked.Add(ref bytes, byteCount);
        Interlocked.Increment(ref records);
    }

    /// <summary>Corrects the byte count: the document's reservation once a record is processed, or its release
    /// for a record dropped before processing.</summary>
    public void AdjustBytes(long delta) => Interlocked.Add(ref bytes, delta);

    /// <summary>A record left the pipeline (acknowledged, or its partition closed): wakes the consume loop when
    /// that makes room.</summary>
    public void Release(PipelineRecord record)
    {
        var b = Interlocked.Add(ref bytes, -record.SizeBytes);
        var r = Interlocked.Decrement(ref records);
        if (waitingForRoom && b < maxBytes && r < maxRecords)
        {
            room.Set();
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

        if (heldSince == 0)
        {
            heldSince = now;
            Interlocked.Increment(ref holds);
        }

        // The time paused counts as backpressure too: heldSince runs on until the resume.
        return now - heldSince < pauseAfterMs ? InFlightDecision.Hold : InFlightDecision.Pause;
    }

    /// <summary>Blocks the consume thread until an acknowledgement brings the counts under the bounds, for at most
    /// a short while (so commits, gauges and the pause deadline are still looked after).</summary>
    public void WaitForRoom(CancellationToken token)
    {
        room.Reset();
        waitingForRoom = true;
        try
        {
            // Checked after the flag is up, so a release between the caller's check and here is not missed.
            if (Bytes >= maxBytes || Records >= maxRecords)
            {
                room.Wait(50, token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            waitingForRoom = false;
        }
    }

    private void EndHold(long now)
    {
        if (heldSince != 0)
        {
            metrics.BackpressureSeconds.Inc((now - heldSince) / 1000.0);
            heldSince = 0;
        }
    }
}
