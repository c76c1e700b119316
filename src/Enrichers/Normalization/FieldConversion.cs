namespace Enrichers.Normalization;

/// <summary>How a <see cref="FieldRule"/> turns the value it finds into the value it writes. A value the conversion
/// cannot read (a number where text is expected, an unparsable time) leaves the rule unapplied and the source as
/// it was.</summary>
public enum FieldConversion
{
    /// <summary>The value as it is (any JSON type).</summary>
    Copy,

    /// <summary>Text: a non-empty string, or an OpenTelemetry AnyValue holding one (<c>{"stringValue": …}</c>).
    /// Numbers and booleans are not text (<c>"error": false</c> is no error message).</summary>
    Text,

    /// <summary>As <see cref="Text"/>, without the line end a container runtime appends (Docker's <c>log</c>).</summary>
    Line,

    /// <summary>A level or severity name, lowercased into the vocabulary of <see cref="NormalizationOptions.Levels"/>.</summary>
    Level,

    /// <summary>An OpenTelemetry severity number (1–24) as a level: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn,
    /// 17–20 error, 21–24 fatal.</summary>
    SeverityNumber,

    /// <summary>A time: ISO 8601 text, or a Unix epoch as a number or decimal string in nanoseconds (OTLP's
    /// <c>timeUnixNano</c>), microseconds, milliseconds or seconds, written as ISO 8601 UTC with milliseconds.</summary>
    Timestamp,

    /// <summary>A hexadecimal trace or span ID, lowercased; all-zero IDs (OTLP's "no trace") are not used.</summary>
    HexId,

    /// <summary>An exception as text (Serilog's <c>@x</c>, a .NET, Java or Python trace): written as an object with
    /// <c>type</c>, <c>message</c> and <c>stack_trace</c> (ECS <c>error.*</c>) at the target.</summary>
    Exception,

    /// <summary>A Serilog message template (<c>@mt</c>) rendered with the record's own top-level properties:
    /// <c>{Name}</c>, <c>{@Name}</c>, <c>{$Name}</c> and <c>{Name:format}</c> become the property's value; tokens
    /// without a property stay as written.</summary>
    MessageTemplate,

    /// <summary>An HTTP status (100–599) as a number, from a number or a decimal string.</summary>
    Status,
}
