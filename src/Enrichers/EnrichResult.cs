namespace Enrichers;

/// <summary>The outcome of enriching one raw value: accepted (the document was written) or rejected with
/// the parser's reason code and text.</summary>
public readonly record struct EnrichResult(bool Accepted, string? ReasonCode, string? ReasonText)
{
    public static EnrichResult Ok { get; } = new(true, null, null);
}
