using System.Collections.Concurrent;
using LogPipeline.Pipeline;

namespace LogPipeline.Tests.FileSink;

/// <summary>Remembers every acknowledgement and rejection.</summary>
internal sealed class RecordingAcknowledger : IRecordAcknowledger
{
    public ConcurrentQueue<PipelineRecord> Acknowledged { get; } = new();

    public ConcurrentQueue<(PipelineRecord Record, string Code)> Rejected { get; } = new();

    public void Acknowledge(PipelineRecord record) => Acknowledged.Enqueue(record);

    public void Reject(PipelineRecord record, string reasonCode, string reasonText) => Rejected.Enqueue((record, reasonCode));
}
