namespace LogPipeline.Pipeline;

/// <summary>Turns the sink's verdicts on the documents of one Kafka message into one verdict on the message, for
/// <paramref name="inner"/> (which commits offsets or counts a replay): a message of several log records (an OTLP/JSON
/// batch, <see cref="PipelineRecord.Parts"/>) is acknowledged once every part was stored (or was already there), so its
/// offset is never committed before all its documents are in the index; if any part was refused, the message is
/// rejected once, whole, after the last verdict. The original message is what gets dead-lettered: a replay runs it
/// through the same processor under its original origin, so every record gets its own <c>_id</c> again
/// (<c>topic:partition:offset:index</c>) and those already stored answer 409 instead of being duplicated. A message
/// that is one document passes straight through.</summary>
internal sealed class BatchAcknowledger(IRecordAcknowledger inner) : IRecordAcknowledger
{
    public void Acknowledge(PipelineRecord record)
    {
        if (record.Parent is null)
        {
            inner.Acknowledge(record);
            return;
        }

        Settle(record, null, null);
    }

    public void Reject(PipelineRecord record, string reasonCode, string reasonText)
    {
        if (record.Parent is null)
        {
            inner.Reject(record, reasonCode, reasonText);
            return;
        }

        Settle(record, reasonCode, reasonText);
    }

    private void Settle(PipelineRecord part, string? reasonCode, string? reasonText)
    {
        // The verdict is the sink's last use of the part.
        part.ReleaseBuffers();
        var message = part.Parent!;
        if (message.Parts is not { } parts || !parts.Settle(part, reasonCode, reasonText))
        {
            return;
        }

        if (parts.Abandoned)
        {
            // A part was dropped with its closed partition: the message is redelivered to the partition's next owner.
            message.ReleaseBuffers();
        }
        else if (parts.Failure is { } failure)
        {
            inner.Reject(message, failure.Code, failure.Text);
        }
        else
        {
            inner.Acknowledge(message);
        }
    }
}
