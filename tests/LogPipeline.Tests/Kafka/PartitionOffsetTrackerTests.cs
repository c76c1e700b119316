using LogPipeline.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Tests.Kafka;

public sealed class PartitionOffsetTrackerTests
{
    private static PipelineRecord Record(long offset, int size = 10) =>
        new() { Origin = new RecordOrigin("t", 0, offset), Value = new byte[size] };

    private static List<PipelineRecord> TrackAll(PartitionOffsetTracker tracker, params long[] offsets)
    {
        var records = offsets.Select(o => Record(o)).ToList();
        foreach (var r in records)
        {
            Assert.True(tracker.Track(r));
        }

        return records;
    }

    [Fact]
    public void Out_of_order_acknowledgements_commit_only_the_contiguous_prefix()
    {
        var tracker = new PartitionOffsetTracker();
        var r = TrackAll(tracker, 0, 1, 2, 3, 4);

        Assert.True(tracker.Complete(r[2]));
        Assert.True(tracker.Complete(r[1]));
        Assert.Null(tracker.AcknowledgedOffset);
        Assert.Null(tracker.OffsetToCommit);

        Assert.True(tracker.Complete(r[0]));
        Assert.Equal(3, tracker.AcknowledgedOffset);

        Assert.True(tracker.Complete(r[4]));
        Assert.Equal(3, tracker.AcknowledgedOffset);
        Assert.Equal(1, tracker.Pending);

        Assert.True(tracker.Complete(r[3]));
        Assert.Equal(5, tracker.AcknowledgedOffset);
        Assert.Equal(0, tracker.Pending);
    }

    [Fact]
    public void The_ring_shrinks_after_a_burst_once_traffic_stays_low_and_still_finds_out_of_order_acknowledgements()
    {
        var tracker = new PartitionOffsetTracker();
        var burst = TrackAll(tracker, Enumerable.Range(0, 5000).Select(i => (long)i).ToArray());
        var grown = tracker.Capacity;

        // Acknowledged in an order that leaves a hole at the front until the end, then fills it.
        foreach (var r in burst.Skip(1).Reverse())
        {
            Assert.True(tracker.Complete(r));
        }

        Assert.True(tracker.Complete(burst[0]));
        Assert.Equal(grown, tracker.Capacity);

        // Then a trickle: two records at a time, the second acknowledged first.
        for (long offset = 5000; offset < 80_000; offset += 2)
        {
            var pair = TrackAll(tracker, offset, offset + 1);
            Assert.True(tracker.Complete(pair[1]));
            Assert.Equal(offset, tracker.AcknowledgedOffset ?? offset);
            Assert.True(tracker.Complete(pair[0]));
        }

        Assert.True(grown >= 5000);
        Assert.True(tracker.Capacity <= 64, $"capacity {tracker.Capacity} after the burst");
        Assert.Equal(80_000, tracker.AcknowledgedOffset);
        Assert.Equal(0, tracker.Pending);
    }

    [Fact]
    public void A_partition_that_fills_and_drains_in_batches_keeps_its_ring()
    {
        var tracker = new PartitionOffsetTracker();
        var sizes = new List<int>();
        for (var batch = 0; batch < 30; batch++)
        {
            var records = TrackAll(tracker, Enumerable.Range(batch * 3000, 3000).Select(i => (long)i).ToArray());
            foreach (var r in records)
            {
                Assert.True(tracker.Complete(r));
            }

            sizes.Add(tracker.Capacity);
        }

        Assert.Single(sizes.Distinct());
        Assert.Equal(90_000, tracker.AcknowledgedOffset);
    }

    [Fact]
    public void Gaps_in_offsets_from_compaction_or_transaction_markers_do_not_block_the_prefix()
    {
        var tracker = new PartitionOffsetTracker();
        var r = TrackAll(tracker, 10, 12, 15, 16);

        tracker.Complete(r[1]);
        tracker.Complete(r[0]);
        Assert.Equal(13, tracker.AcknowledgedOffset);

        tracker.Complete(r[3]);
        tracker.Complete(r[2]);
        Assert.Equal(17, tracker.AcknowledgedOffset);
    }

    [Fact]
    public void Offset_to_commit_is_offered_only_when_it_moved_past_the_last_commit()
    {
        var tracker = new PartitionOffsetTracker();
        var r = TrackAll(tracker, 0, 1);
        tracker.Complete(r[0]);
        Assert.Equal(1, tracker.OffsetToCommit);

        tracker.MarkCommitted(1);
        Assert.Null(tracker.OffsetToCommit);
        Assert.Equal(1, tracker.CommittedOffset);

        tracker.Complete(r[1]);
        Assert.Equal(2, tracker.OffsetToCommit);
    }

    [Fact]
    public void A_repeated_acknowledgement_counts_once()
    {
        var tracker = new PartitionOffsetTracker();
        var r = TrackAll(tracker, 0, 1);

        Assert.True(tracker.Complete(r[1]));
        Assert.False(tracker.Complete(r[1]));
        Assert.Equal(1, tracker.Pending);
    }

    [Fact]
    public void An_acknowledgement_for_another_record_instance_at_the_same_offset_is_ignored()
    {
        var tracker = new PartitionOffsetTracker();
        TrackAll(tracker, 0);

        // Same offset, but from an earlier assignment of this partition (a late acknowledgement).
        Assert.False(tracker.Complete(Record(0)));
        Assert.Equal(1, tracker.Pending);
        Assert.Null(tracker.AcknowledgedOffset);
    }

    [Fact]
    public void A_closed_tracker_returns_unfinished_records_and_ignores_late_acknowledgements()
    {
        var tracker = new PartitionOffsetTracker();
        var r = TrackAll(tracker, 0, 1, 2, 3);
        tracker.Complete(r[0]);
        tracker.Complete(r[2]);

        var unfinished = tracker.Close();

        Assert.Equal([1L, 3L], unfinished.Select(x => x.Origin.Offset));
        Assert.True(tracker.IsClosed);
        Assert.False(tracker.Complete(r[1]));
        Assert.False(tracker.Track(Record(4)));
        Assert.Equal(0, tracker.Pending);
        Assert.Empty(tracker.Close());
    }

    [Fact]
    public void A_redelivered_offset_within_an_assignment_is_not_tracked_twice()
    {
        var tracker = new PartitionOffsetTracker();
        TrackAll(tracker, 5, 6);

        Assert.False(tracker.Track(Record(6)));
        Assert.False(tracker.Track(Record(3)));
        Assert.Equal(2, tracker.Pending);
    }

    [Fact]
    public void Position_is_the_first_received_offset_until_something_is_acknowledged()
    {
        var tracker = new PartitionOffsetTracker();
        Assert.Null(tracker.Position);
        var r = TrackAll(tracker, 42, 43);
        Assert.Equal(42, tracker.Position);
        tracker.Complete(r[0]);
        Assert.Equal(43, tracker.Position);
    }

    [Fact]
    public void Thousands_of_records_acknowledged_in_random_order_from_many_threads_end_fully_acknowledged()
    {
        var tracker = new PartitionOffsetTracker();
        var records = Enumerable.Range(0, 20_000).Select(i => Record(i * 2L)).ToList();
        foreach (var r in records)
        {
            tracker.Track(r);
        }

        var shuffled = records.OrderBy(_ => Random.Shared.Next()).ToList();
        var acknowledged = 0;
        Parallel.ForEach(shuffled, r =>
        {
            if (tracker.Complete(r))
            {
                Interlocked.Increment(ref acknowledged);
            }
        });

        Assert.Equal(records.Count, acknowledged);
        Assert.Equal(0, tracker.Pending);
        Assert.Equal(records[^1].Origin.Offset + 1, tracker.AcknowledgedOffset);
    }
}
