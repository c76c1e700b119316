using System.Globalization;
using Enrichers.Json;
using Enrichers.Timestamps;

namespace Enrichers.Normalization;

/// <summary>The <see cref="FieldConversion"/>s: each reads a producer's value and returns the canonical node, the
/// source itself when it already is canonical, <see cref="Nothing"/> when the value says "none" in its format's own
/// way, or null when it cannot read the value (the rule is then not applied). Thread-safe.</summary>
internal sealed class ValueConverter(LevelVocabulary levels)
{
    /// <summary>What a conversion returns for a value that means "none" (OTLP's zero time, all-zero trace IDs).</summary>
    public static readonly LogString Nothing = new(string.Empty);

    public LogNode? Convert(FieldConversion conversion, LogNode source, LogRecord record) => conversion switch
    {
        FieldConversion.Copy => source,
        FieldConversion.Text => Text(source),
        FieldConversion.Line => Line(source, record),
        FieldConversion.Level => levels.Normalize(source, record),
        FieldConversion.SeverityNumber => SeverityNumber(source, record),
        FieldConversion.Timestamp => Timestamp(source, record),
        FieldConversion.HexId => HexId(source, record),
        FieldConversion.MessageTemplate => source is LogString { IsEmpty: false } t ? record.NewString(MessageTemplateRenderer.Render(t.Value, record.Root)) : null,
        FieldConversion.Status => Status(source, record),
        _ => null,
    };

    private static LogNode? Text(LogNode source) => source switch
    {
        LogString { IsEmpty: false } s => s,
        LogObject { Count: 1 } any when any[0].NameEquals("stringValue") && any[0].Value is LogString { IsEmpty: false } s => s,
        _ => null,
    };

    private static LogNode? Line(LogNode source, LogRecord record)
    {
        if (Text(source) is not LogString s)
        {
            return null;
        }

        // Unescaped raw text has no line end (a newline in JSON is always escaped).
        if (s.IsRaw && !s.RawHasEscapes)
        {
            return s;
        }

        var value = s.Value;
        var trimmed = value.AsSpan().TrimEnd("\r\n");
        return trimmed.Length == value.Length ? s : trimmed.IsEmpty ? null : record.NewString(trimmed.ToString());
    }

    private LogNode? SeverityNumber(LogNode source, LogRecord record)
    {
        long number;
        switch (source)
        {
            case LogLiteral literal when literal.TryGetInt64(out number):
                break;
            case LogString s when long.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out number):
                break;
            case LogString s when SeverityNumberName(s.Value) is { } named:
                number = named;
                break;
            default:
                return null;
        }

        return levels.FromSeverityNumber(number) is { } level ? record.NewReferenceString(level) : null;
    }

    /// <summary>The number of an OTLP <c>SeverityNumber</c> enum name (<c>SEVERITY_NUMBER_WARN</c>,
    /// <c>SEVERITY_NUMBER_INFO3</c>): OTLP/JSON writes enums as integers, but the protobuf JSON mapping every other
    /// encoder follows writes their names.</summary>
    private static int? SeverityNumberName(string value)
    {
        const string prefix = "SEVERITY_NUMBER_";
        if (!value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = value.AsSpan(prefix.Length);
        var step = 1;
        if (name.Length > 0 && name[^1] is >= '2' and <= '4')
        {
            step = name[^1] - '0';
            name = name[..^1];
        }

        int? first = name switch
        {
            "TRACE" => 1,
            "DEBUG" => 5,
            "INFO" => 9,
            "WARN" => 13,
            "ERROR" => 17,
            "FATAL" => 21,
            _ => null,
        };
        return first + step - 1;
    }

    private static LogNode? Timestamp(LogNode source, LogRecord record)
    {
        switch (source)
        {
            case LogString s when Tracing.IsoTimestamp.TryGetUnixMilliseconds(s, out var ms):
                // Written in one form: Elasticsearch's default date format refuses some that parse here ("2026-11-25 08:30:00").
                return record.NewString(RecordTimestamp.Format(DateTimeOffset.FromUnixTimeMilliseconds(ms)));
            case LogString s when ulong.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var digits):
                return FromEpoch(digits, record);
            case LogLiteral { Kind: LogNodeKind.Number } n when n.TryGetInt64(out var integer) && integer >= 0:
                return FromEpoch((ulong)integer, record);
            case LogLiteral { Kind: LogNodeKind.Number } n when n.TryGetDouble(out var seconds) && seconds is > 0 and < 1e11:
                return record.NewString(RecordTimestamp.Format(DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))));
            default:
                return null;
        }
    }

    /// <summary>An integer epoch by its magnitude: nanoseconds (OTLP), microseconds, milliseconds or seconds. Zero is
    /// OTLP's "unknown".</summary>
    private static LogNode? FromEpoch(ulong value, LogRecord record)
    {
        var ms = value switch
        {
            0 => 0UL,
            >= 100_000_000_000_000_000 => value / 1_000_000,
            >= 100_000_000_000_000 => value / 1_000,
            >= 100_000_000_000 => value,
            _ => value * 1_000,
        };
        return ms == 0 ? Nothing : ms > 253402300799999 ? null : record.NewString(RecordTimestamp.Format(DateTimeOffset.FromUnixTimeMilliseconds((long)ms)));
    }

    private static LogNode? HexId(LogNode source, LogRecord record)
    {
        if (source is not LogString { IsEmpty: false } s)
        {
            return null;
        }

        if (s.IsRaw && !s.RawHasEscapes)
        {
            // The common case decided on the input bytes, without decoding: lowercase hex, not all zeros.
            var raw = s.RawUtf8;
            if (!raw.ContainsAnyExcept("0123456789abcdef"u8) && raw.ContainsAnyExcept((byte)'0'))
            {
                return s;
            }
        }

        var value = s.Value.AsSpan().Trim();
        if (value.IsEmpty)
        {
            return null;
        }

        if (!value.ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            // OTLP writes an absent ID as zeros (or as an empty string).
            if (!value.ContainsAnyExcept('0'))
            {
                return Nothing;
            }

            if (value.ContainsAnyInRange('A', 'F'))
            {
                return record.NewString(value.ToString().ToLowerInvariant());
            }
        }

        // Not hex: the producer's own ID, kept as sent.
        return value.Length == s.Value.Length ? s : record.NewString(value.ToString());
    }

    private static LogNode? Status(LogNode source, LogRecord record) => source switch
    {
        LogLiteral literal when literal.TryGetInt64(out var n) && n is >= 100 and <= 599 => literal,
        LogString s when int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 100 and <= 599 => record.NewNumber(n),
        _ => null,
    };
}
