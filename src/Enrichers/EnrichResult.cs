namespace Enrichers;

/// <summary>The outcome of enriching one raw value: accepted (the document was written) or rejected with
/// the parser's reason code and text. <paramref name="Namespace"/> is the data stream namespace the normalization
/// stage routed the record to (null: the sink's configured one). <paramref name="IsBatch"/>: the value was a batch of log
/// records written as one document each (<see cref="EnrichmentSession.EnrichEach"/>), even when it held only one.</summary>
public readonly record struct EnrichResult(bool Accepted, string? ReasonCode, string? ReasonText, string? Namespace = null, bool IsBatch = false)
{
    public static EnrichResult Ok { get; } = new(true, null, null);
}
