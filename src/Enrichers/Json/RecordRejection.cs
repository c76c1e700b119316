namespace Enrichers.Json;

/// <summary>Why a raw message could not become a record. <see cref="Code"/> is low-cardinality (a metric
/// label and a dead-letter header); <see cref="Reason"/> explains it to a human and never quotes the
/// message content.</summary>
public sealed record RecordRejection(string Code, string Reason)
{
    public const string TooLargeCode = "too_large";
    public const string EmptyCode = "empty";
    public const string InvalidUtf8Code = "invalid_utf8";
    public const string InvalidJsonCode = "invalid_json";
    public const string NotAnObjectCode = "not_an_object";
    public const string TooDeepCode = "too_deep";
}
