using System.Buffers;
using System.Text;
using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>A text value from a database (a name, a code, a time zone) with the bytes it is written as: the UTF-8 of a
/// JSON string's content, escaped where JSON requires (as <see cref="JsonOutput.WriteString"/> writes a string), made
/// once per value rather than once per record. Immutable: records point to the bytes without copying them.</summary>
internal sealed class GeoText
{
    // What JsonOutput escapes: a value without these is written as its plain UTF-8.
    private static readonly SearchValues<byte> MustEscape = JsonOutput.MustEscapeUtf8;

    private string? _value;

    public GeoText(string value)
    {
        _value = value;
        var utf8 = Encoding.UTF8.GetBytes(value);
        if (utf8.AsSpan().IndexOfAny(MustEscape) < 0)
        {
            Utf8 = utf8;
            return;
        }

        var output = new ArrayBufferWriter<byte>(utf8.Length + 8);
        var json = new JsonOutput(output, utf8.Length + 8);
        json.WriteString(value);
        json.Flush();

        // Without the quotes around it.
        Utf8 = output.WrittenSpan[1..^1].ToArray();
        HasEscapes = true;
    }

    private GeoText(byte[] plainUtf8) => Utf8 = plainUtf8;

    /// <summary>A value whose written bytes are already at hand (a slice of a rendered object): <paramref name="utf8"/>
    /// as <see cref="Utf8"/>, and <paramref name="value"/> the string it stands for when it holds escapes (otherwise
    /// decoded from it on first use).</summary>
    internal GeoText(ReadOnlyMemory<byte> utf8, string? value, bool hasEscapes)
    {
        Utf8 = utf8;
        _value = value;
        HasEscapes = hasEscapes;
    }

    /// <summary>The string a value of a database stands for (decoded on first use: the record path needs only
    /// <see cref="Utf8"/>).</summary>
    public string Value => _value ??= Encoding.UTF8.GetString(Utf8.Span);

    /// <summary>The JSON string content, without quotes.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>True when <see cref="Utf8"/> holds an escape (the value has a quote, a backslash or a control
    /// character).</summary>
    public bool HasEscapes { get; }

    /// <summary>A value read from a database's data section as UTF-8: its bytes are taken as they are when they are
    /// valid UTF-8 and nothing in them needs an escape, without making a string; otherwise it is decoded as MaxMind's
    /// reader decodes it (invalid sequences replaced), and written as that string is.</summary>
    public static GeoText FromUtf8(ReadOnlySpan<byte> utf8) =>
        utf8.IndexOfAny(MustEscape) < 0 && System.Text.Unicode.Utf8.IsValid(utf8)
            ? new GeoText(utf8.ToArray())
            : new GeoText(Encoding.UTF8.GetString(utf8));

    public override string ToString() => Value;
}
