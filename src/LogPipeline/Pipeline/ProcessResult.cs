namespace LogPipeline.Pipeline;

/// <summary>The outcome of processing one record: accepted (its <see cref="PipelineRecord.Document"/> is
/// set) or rejected with a low-cardinality reason code (e.g. <c>invalid_json</c>) and a human text.</summary>
internal readonly record struct ProcessResult(bool Accepted, string? ReasonCode, string? ReasonText)
{
    public static ProcessResult Ok { get; } = new(true, null, null);

    public static ProcessResult Rejected(string reasonCode, string reasonText) => new(false, reasonCode, reasonText);
}
