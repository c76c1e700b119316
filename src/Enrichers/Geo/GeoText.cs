using System.Buffers;
using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>A text value from a database (a name, a code, a time zone) with the bytes it is written as: the UTF-8 of a
/// JSON string's content, escaped where JSON requires (as <see cref="JsonOutput.WriteString"/> writes a string), made
/// once per value rather than once per record. Immutable: records point to the bytes without copying them.</summary>
internal sealed class GeoText
{
    public GeoText(string value)
    {
        Value = value;
        var output = new ArrayBufferWriter<byte>(value.Length + 8);
        var json = new JsonOutput(output, value.Length + 8);
        json.WriteString(value);
        json.Flush();

        // Without the quotes around it.
        Utf8 = output.WrittenSpan[1..^1].ToArray();
        HasEscapes = Utf8.Span.Contains((byte)'\\');
    }

    public string Value { get; }

    /// <summary>The JSON string content, without quotes.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>True when <see cref="Utf8"/> holds an escape (the value has a quote, a backslash or a control
    /// character).</summary>
    public bool HasEscapes { get; }

    public override string ToString() => Value;
}
