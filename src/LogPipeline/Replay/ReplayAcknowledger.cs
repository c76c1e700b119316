using LogPipeline.Pipeline;

namespace LogPipeline.Replay;

/// <summary>Counts what the sink did with each replayed record. A record refused again is only counted: it is
/// still on the dead-letter topic, and writing it there a second time would only make a duplicate.</summary>
internal sealed class ReplayAcknowledger(ReplaySummary summary) : IRecordAcknowledger
{
    public void Acknowledge(PipelineRecord record)
    {
        summary.CountAcknowledged(record.Parts?.Items.Count ?? 1);
        record.ReleaseBuffers();
    }

    public void Reject(PipelineRecord record, string reasonCode, string reasonText)
    {
        summary.CountRejectedAgain(reasonCode);
        record.ReleaseBuffers();
    }
}
