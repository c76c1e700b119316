namespace LogPipeline.Pipeline;

/// <summary>How a sink reports the fate of each record it was handed: exactly one call per record.
/// Implementations are thread-safe.</summary>
internal interface IRecordAcknowledger
{
    /// <summary>The destination durably stored the record (or already had it).</summary>
    void Acknowledge(PipelineRecord record);

    /// <summary>The destination permanently refused the record; the pipeline dead-letters it.
    /// <paramref name="reasonCode"/> is low-cardinality (e.g. <c>mapper_parsing_exception</c>).</summary>
    void Reject(PipelineRecord record, string reasonCode, string reasonText);
}
