using LogPipeline.Kafka;
using LogPipeline.Pipeline;

namespace LogPipeline.Tests.Pipeline;

/// <summary>The verdicts on the documents of one message (the log records of an OTLP/JSON batch) become one verdict
/// on the message.</summary>
public sealed class BatchAcknowledgerTests
{
    private static PipelineRecord Message(long offset, int parts)
    {
        var message = new PipelineRecord { Origin = new RecordOrigin("logs", 0, offset), Value = "{\"resourceLogs\":[]}"u8.ToArray() };
        message.SetParts(Enumerable.Range(0, parts)
            .Select(i => new PipelineRecord { Origin = message.Origin with { Index = i }, Value = ReadOnlyMemory<byte>.Empty, Parent = message, Document = new byte[10] })
            .ToArray());
        return message;
    }

    [Fact]
    public void A_batch_is_acknowledged_once_after_its_last_part_whatever_the_order()
    {
        var inner = new ListAcknowledger();
        var acknowledger = new BatchAcknowledger(inner);
        var message = Message(7, 3);

        acknowledger.Acknowledge(message.Parts!.Items[2]);
        acknowledger.Acknowledge(message.Parts.Items[0]);
        Assert.Empty(inner.Acknowledged);
        acknowledger.Acknowledge(message.Parts.Items[0]);
        Assert.Empty(inner.Acknowledged);
        acknowledger.Acknowledge(message.Parts.Items[1]);

        Assert.Same(message, Assert.Single(inner.Acknowledged));
        Assert.Empty(inner.Rejected);
        Assert.Equal(30, message.DocumentBytes);
    }

    [Fact]
    public void A_refused_part_makes_the_whole_message_rejected_once_after_the_last_verdict_naming_the_refused_records()
    {
        var inner = new ListAcknowledger();
        var acknowledger = new BatchAcknowledger(inner);
        var message = Message(8, 3);

        acknowledger.Reject(message.Parts!.Items[1], "document_parsing_exception", "failed to parse field [status]");
        Assert.Empty(inner.Rejected);
        acknowledger.Acknowledge(message.Parts.Items[0]);
        acknowledger.Acknowledge(message.Parts.Items[2]);

        var (record, code, text) = Assert.Single(inner.Rejected);
        Assert.Same(message, record);
        Assert.Equal("document_parsing_exception", code);
        Assert.Contains("1 of the 3 log records", text, StringComparison.Ordinal);
        Assert.Contains("record 1: failed to parse field [status]", text, StringComparison.Ordinal);
        Assert.Empty(inner.Acknowledged);
    }

    [Fact]
    public void A_message_that_is_one_document_passes_straight_through()
    {
        var inner = new ListAcknowledger();
        var acknowledger = new BatchAcknowledger(inner);
        var single = new PipelineRecord { Origin = new RecordOrigin("logs", 0, 9), Value = "{}"u8.ToArray() };

        acknowledger.Acknowledge(single);

        Assert.Same(single, Assert.Single(inner.Acknowledged));
    }

    [Fact]
    public void A_part_dropped_with_its_closed_partition_leaves_the_message_without_a_verdict()
    {
        var inner = new ListAcknowledger();
        var acknowledger = new BatchAcknowledger(inner);
        var message = Message(10, 2);

        acknowledger.Acknowledge(message.Parts!.Items[0]);
        message.Parts.Items[1].Abandon();

        Assert.Empty(inner.Acknowledged);
        Assert.Empty(inner.Rejected);
        Assert.True(message.Parts.Abandoned);
    }

    [Fact]
    public void The_offset_of_a_batch_becomes_committable_only_once_all_its_parts_are_acknowledged()
    {
        var tracker = new PartitionOffsetTracker();
        var acknowledger = new BatchAcknowledger(new TrackerAcknowledger(tracker));
        var batch = Message(0, 3);
        var next = new PipelineRecord { Origin = new RecordOrigin("logs", 0, 1), Value = "{}"u8.ToArray() };
        Assert.True(tracker.Track(batch));
        Assert.True(tracker.Track(next));

        acknowledger.Acknowledge(next);
        acknowledger.Acknowledge(batch.Parts!.Items[0]);
        acknowledger.Acknowledge(batch.Parts.Items[2]);
        Assert.Null(tracker.AcknowledgedOffset);

        acknowledger.Acknowledge(batch.Parts.Items[1]);
        Assert.Equal(2, tracker.AcknowledgedOffset);
    }

    private sealed class ListAcknowledger : IRecordAcknowledger
    {
        public List<PipelineRecord> Acknowledged { get; } = [];

        public List<(PipelineRecord Record, string Code, string Text)> Rejected { get; } = [];

        public void Acknowledge(PipelineRecord record) => Acknowledged.Add(record);

        public void Reject(PipelineRecord record, string reasonCode, string reasonText) => Rejected.Add((record, reasonCode, reasonText));
    }

    private sealed class TrackerAcknowledger(PartitionOffsetTracker tracker) : IRecordAcknowledger
    {
        public void Acknowledge(PipelineRecord record) => Assert.True(tracker.Complete(record));

        public void Reject(PipelineRecord record, string reasonCode, string reasonText) => Assert.Fail("nothing is refused here");
    }
}
