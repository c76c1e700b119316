using System.Text;

namespace Enrichers.Json;

/// <summary>A name/value pair of a <see cref="LogObject"/>. Parsed names keep their raw bytes so they are
/// written back as received; the decoded <see cref="Name"/> is made only when asked for.</summary>
public sealed class LogProperty
{
    private readonly ReadOnlyMemory<byte> _rawName;
    private readonly bool _rawHasEscapes;
    private readonly bool _fromInput;
    private string? _name;

    public LogProperty(string name, LogNode value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        _name = name;
        Value = value;
    }

    internal LogProperty(ReadOnlyMemory<byte> rawName, bool hasEscapes, LogNode value)
    {
        _rawName = rawName;
        _rawHasEscapes = hasEscapes;
        _fromInput = true;
        Value = value;
    }

    /// <summary>The decoded property name.</summary>
    public string Name => _name ??= DecodeName();

    public LogNode Value { get; set; }

    /// <summary>True when the name equals <paramref name="name"/> (ordinal). Avoids decoding the name for
    /// the common case of an unescaped ASCII name.</summary>
    public bool NameEquals(ReadOnlySpan<char> name)
    {
        if (!_fromInput || _rawHasEscapes)
        {
            return name.SequenceEqual(Name);
        }

        var raw = _rawName.Span;
        if (raw.Length != name.Length)
        {
            // A non-ASCII name can differ in byte and char length, so only an all-ASCII target is decided here.
            if (!Ascii.IsValid(name))
            {
                return name.SequenceEqual(Name);
            }

            return false;
        }

        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b >= 0x80)
            {
                return name.SequenceEqual(Name);
            }

            if (b != name[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the name equals the ASCII <paramref name="name"/> ignoring ASCII case (HTTP header
    /// names), without decoding the name.</summary>
    internal bool NameEqualsIgnoreAsciiCase(string name)
    {
        if (!_fromInput || _rawHasEscapes)
        {
            return string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
        }

        var raw = _rawName.Span;
        return raw.Length == name.Length && Ascii.EqualsIgnoreCase(raw, name);
    }

    /// <summary>The name's length in UTF-8 bytes as written in the input (escapes included), or in chars
    /// for a name set by an enricher: equal to <c>Name.Length</c> for ASCII names, which makes it a cheap
    /// first test before <see cref="NameEquals"/>.</summary>
    internal int NameLength => _fromInput ? _rawName.Length : _name!.Length;

    internal void WriteNameTo(JsonOutput output)
    {
        if (_fromInput)
        {
            output.WriteQuotedRaw(_rawName.Span);
        }
        else
        {
            output.WriteString(_name);
        }
    }

    private string DecodeName() =>
        _rawHasEscapes ? LogString.FromRaw(_rawName, true).Value : Encoding.UTF8.GetString(_rawName.Span);

    public override string ToString() => Name;
}
