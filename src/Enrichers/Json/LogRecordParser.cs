using System.Text.Json;
using System.Text.Unicode;

namespace Enrichers.Json;

/// <summary>Parses a raw message value (one UTF-8 JSON object) into a <see cref="LogRecord"/>. The record
/// slices the input instead of copying it, so the input must stay unchanged while the record lives.</summary>
public static class LogRecordParser
{
    /// <summary>Default bound on a message value: 1 MiB.</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>Default bound on nesting: 64 levels of objects and arrays.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Parses <paramref name="input"/>; never throws for bad input, returns the rejection instead.</summary>
    public static LogRecord? TryParse(
        ReadOnlyMemory<byte> input,
        out RecordRejection? rejection,
        int maxBytes = DefaultMaxBytes,
        int maxDepth = DefaultMaxDepth) =>
        TryParse(input, out rejection, maxBytes, maxDepth, null);

    /// <summary>As the public overload, with the nodes taken from <paramref name="pool"/> when given: the
    /// record is then valid only until the pool's next reset (see <see cref="LogNodePool"/>).</summary>
    internal static LogRecord? TryParse(
        ReadOnlyMemory<byte> input,
        out RecordRejection? rejection,
        int maxBytes,
        int maxDepth,
        LogNodePool? pool)
    {
        rejection = null;
        if (input.Length > maxBytes)
        {
            rejection = new RecordRejection(RecordRejection.TooLargeCode,
                $"record is {input.Length} bytes; the maximum is {maxBytes}");
            return null;
        }

        // Plainly valid input (nearly every record) is parsed straight into nodes; anything else is left to the
        // reader, which decides whether and why it is refused. Outside strings the direct parse accepts only ASCII, so
        // the input's UTF-8 needs checking only when a string held a non-ASCII byte: an all-ASCII record is not read a
        // second time. Input it gives up on, or whose UTF-8 is invalid, takes the checks below in their order.
        var span = input.Span;
        if (DirectJsonParser.TryParse(input, maxDepth, pool, out var nonAscii) is { } parsed && (!nonAscii || Utf8.IsValid(span)))
        {
            return pool is null ? new LogRecord(parsed) { InputLength = input.Length } : pool.Record(parsed, input.Length);
        }

        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            rejection = new RecordRejection(RecordRejection.EmptyCode, "record is empty");
            return null;
        }

        // The reader checks UTF-8 only where it decodes; one vectorized pass checks all of it.
        if (!Utf8.IsValid(span))
        {
            rejection = new RecordRejection(RecordRejection.InvalidUtf8Code, "record is not valid UTF-8");
            return null;
        }

        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = maxDepth + 2 });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Finish reading so that broken input is reported as broken, not as a wrong type.
                var type = reader.TokenType;
                reader.Skip();
                while (reader.Read())
                {
                }

                rejection = new RecordRejection(RecordRejection.NotAnObjectCode,
                    $"record is a JSON {Describe(type)}, not an object");
                return null;
            }

            var root = ReadObject(ref reader, input, maxDepth, pool);
            while (reader.Read())
            {
                // Utf8JsonReader throws on a second top-level value; this loop only consumes whitespace.
            }

            return pool is null ? new LogRecord(root) { InputLength = input.Length } : pool.Record(root, input.Length);
        }
        catch (TooDeepException)
        {
            rejection = new RecordRejection(RecordRejection.TooDeepCode,
                $"record is nested deeper than {maxDepth} levels");
            return null;
        }
        catch (JsonException ex)
        {
            rejection = new RecordRejection(RecordRejection.InvalidJsonCode,
                $"invalid JSON at byte {ex.BytePositionInLine ?? reader.BytesConsumed}: {FirstSentence(ex.Message)}");
            return null;
        }
    }

    /// <summary>Parses <paramref name="input"/> when it is exactly one JSON object no deeper than
    /// <paramref name="maxDepth"/>, else returns null (never throws). For JSON nested in a string field: the object's
    /// nodes come from <paramref name="pool"/> like the record's, and the input must live as long as they do.</summary>
    internal static LogObject? TryParseObject(ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool) =>
        TryParseContainer(input, maxDepth, pool, objectsOnly: true) as LogObject;

    /// <summary>As <see cref="TryParseObject"/>, for exactly one JSON object or array.</summary>
    internal static LogNode? TryParseContainer(ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool, bool objectsOnly = false)
    {
        if (!Utf8.IsValid(input.Span))
        {
            return null;
        }

        var reader = new Utf8JsonReader(input.Span, new JsonReaderOptions { MaxDepth = maxDepth + 2 });
        try
        {
            if (!reader.Read() || !(reader.TokenType == JsonTokenType.StartObject || (!objectsOnly && reader.TokenType == JsonTokenType.StartArray)))
            {
                return null;
            }

            LogNode root = reader.TokenType == JsonTokenType.StartObject
                ? ReadObject(ref reader, input, maxDepth, pool)
                : ReadArray(ref reader, input, maxDepth, pool);
            while (reader.Read())
            {
                // Utf8JsonReader throws on a second top-level value; this loop only consumes whitespace.
            }

            return root;
        }
        catch (TooDeepException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static LogObject ReadObject(ref Utf8JsonReader reader, ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool)
    {
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new TooDeepException();
        }

        // Log records have 10–30 top-level fields and small nested objects: sizing for that avoids regrowing.
        var obj = pool is null ? new LogObject(reader.CurrentDepth == 0 ? 24 : 4) : pool.Object();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var raw = reader.ValueSpan;
            var name = input.Slice((int)reader.TokenStartIndex + 1, raw.Length);
            var first = raw.IsEmpty ? -1 : raw[0];
            var escaped = reader.ValueIsEscaped;
            reader.Read();
            var value = ReadValue(ref reader, input, maxDepth, pool);
            obj.AddParsed(pool is null ? new LogProperty(name, escaped, value, first) : pool.Property(name, escaped, value, first));
        }

        return obj;
    }

    private static LogArray ReadArray(ref Utf8JsonReader reader, ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool)
    {
        if (reader.CurrentDepth + 1 > maxDepth)
        {
            throw new TooDeepException();
        }

        var array = pool is null ? new LogArray() : pool.Array();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            array.Add(ReadValue(ref reader, input, maxDepth, pool));
        }

        return array;
    }

    private static LogNode ReadValue(ref Utf8JsonReader reader, ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool) =>
        reader.TokenType switch
        {
            JsonTokenType.StartObject => ReadObject(ref reader, input, maxDepth, pool),
            JsonTokenType.StartArray => ReadArray(ref reader, input, maxDepth, pool),
            JsonTokenType.String => pool is null
                ? LogString.FromRaw(input.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length), reader.ValueIsEscaped)
                : pool.String(input.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length), reader.ValueIsEscaped),
            JsonTokenType.Number => pool is null
                ? LogLiteral.FromRaw(LogNodeKind.Number, input.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length))
                : pool.Number(input.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length)),
            JsonTokenType.True => LogLiteral.True,
            JsonTokenType.False => LogLiteral.False,
            JsonTokenType.Null => LogLiteral.Null,
            _ => throw new JsonException($"unexpected token {reader.TokenType}"),
        };

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string FirstSentence(string message)
    {
        // The framework's message ends with "Path: ... | LineNumber: ..." (or just "LineNumber: ...") which
        // repeats the position, and may advise changing reader options, which means nothing to a user.
        foreach (var tail in (ReadOnlySpan<string>)[" Path:", " LineNumber:", " Change the reader options."])
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message;
    }

    private sealed class TooDeepException : Exception
    {
    }
}
