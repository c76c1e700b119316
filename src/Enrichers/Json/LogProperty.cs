using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Enrichers.Json;

/// <summary>A name/value pair of a <see cref="LogObject"/>. Parsed names keep their raw bytes so they are
/// written back as received; the decoded <see cref="Name"/> is made only when asked for. Names enrichers write
/// as a <see cref="LogName"/> hold bytes and string from the start, and behave as unescaped parsed names.</summary>
public sealed class LogProperty
{
    private ReadOnlyMemory<byte> _rawName;
    private bool _rawHasEscapes;
    // True while the name is held as UTF-8 (_rawName): parsed from the input, or a constant name (LogName).
    private bool _isRaw;
    private int _asciiLength;
    private int _first;
    private string? _name;
    // The length of the member as the input wrote it, "name":value, from the quote before _rawName (0: none; see
    // TryGetIntactMember). A length rather than a slice of its own: the name's slice already holds the input, and a second
    // reference to it cost another GC write barrier per member of every record.
    private int _memberLength;
    // Whether the value writes as the member's bytes hold it (see TryGetIntactMember): set by the parse, decided again by
    // every change of the value.
    private MemberValue _valueAsMember;
    private LogNode _value;

    public LogProperty(string name, LogNode value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        _name = name;
        _asciiLength = Ascii.IsValid(name) ? name.Length : -1;
        _first = name.Length > 0 && name[0] < 0x80 ? name[0] : -1;
        _value = value;
    }

    /// <summary>A property named by an enricher's constant name: its bytes and string are both at hand, so the
    /// name reads, compares and writes like an unescaped input name, and decodes to <see cref="LogName.Value"/>.</summary>
    internal LogProperty(LogName name, LogNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        SetConstant(name);
        _value = value;
    }

    /// <param name="first">The name's first raw byte (-1 when empty): lookups rule most names out by it
    /// without touching the name's bytes.</param>
    /// <param name="memberLength">The length of the whole member as the input wrote it (see <see cref="TryGetIntactMember"/>),
    /// which starts at the quote before <paramref name="rawName"/> in the same input; 0 when there is none.</param>
    /// <param name="stringValue">The value is a string (the member's value starts with a quote).</param>
    internal LogProperty(ReadOnlyMemory<byte> rawName, bool hasEscapes, LogNode value, int first = -2, int memberLength = 0, bool stringValue = false)
    {
        _memberLength = memberLength;
        _valueAsMember = Parsed(memberLength, stringValue);
        _rawName = rawName;
        _rawHasEscapes = hasEscapes;
        _isRaw = true;
        _asciiLength = hasEscapes ? -1 : rawName.Length;
        _first = RawFirst(rawName, hasEscapes, first);
        _value = value;
    }

    /// <summary>Gives a pooled property the next record's parsed name and value (see <see cref="LogNodePool"/>).</summary>
    /// <param name="first">The name's first raw byte, -1 when the name is empty.</param>
    /// <param name="memberLength">The length of the whole member as the input wrote it, from the quote before
    /// <paramref name="rawName"/> (see <see cref="TryGetIntactMember"/>); 0 when there is none.</param>
    /// <param name="stringValue">The value is a string (the member's value starts with a quote).</param>
    internal void Reuse(ReadOnlyMemory<byte> rawName, bool hasEscapes, LogNode value, int first, int memberLength, bool stringValue)
    {
        _memberLength = memberLength;
        _valueAsMember = Parsed(memberLength, stringValue);
        _rawName = rawName;
        _rawHasEscapes = hasEscapes;
        _isRaw = true;
        _asciiLength = hasEscapes ? -1 : rawName.Length;
        _first = hasEscapes || first >= 0x80 ? -1 : first;
        _name = null;
        _value = value;
    }

    /// <summary>Gives a pooled property a name set by an enricher (see <see cref="LogNodePool"/>).</summary>
    internal void Reuse(string name, LogNode value)
    {
        _memberLength = 0;
        _valueAsMember = MemberValue.No;
        _rawName = default;
        _rawHasEscapes = false;
        _isRaw = false;
        _asciiLength = Ascii.IsValid(name) ? name.Length : -1;
        _first = name.Length > 0 && name[0] < 0x80 ? name[0] : -1;
        _name = name;
        _value = value;
    }

    /// <summary>Gives a pooled property an enricher's constant name (see <see cref="LogNodePool"/>).</summary>
    internal void Reuse(LogName name, LogNode value)
    {
        SetConstant(name);
        _value = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetConstant(LogName name)
    {
        // A LogName is ASCII with nothing to escape: its bytes are exactly the name's UTF-8 and what JSON writes.
        var utf8 = name.Utf8;
        _memberLength = 0;
        _valueAsMember = MemberValue.No;
        _rawName = utf8;
        _rawHasEscapes = false;
        _isRaw = true;
        _asciiLength = utf8.Length;
        _first = name.First;
        _name = name.Value;
    }

    /// <summary>A property of its own with the same name (its input bytes, or a <see cref="LogName"/>'s constant bytes,
    /// when it has them) and <paramref name="value"/>.</summary>
    internal LogProperty CopyWith(LogNode value, LogNodePool? pool) => _isRaw
        ? pool is null ? new LogProperty(_rawName, _rawHasEscapes, value) : pool.Property(_rawName, _rawHasEscapes, value, _rawName.IsEmpty ? -1 : _rawName.Span[0])
        : pool is null ? new LogProperty(_name!, value) : pool.Property(_name!, value);

    /// <summary>The first char of the name when the first raw byte tells it (unescaped ASCII), else -1: then
    /// no lookup is ruled out by it. <paramref name="first"/> is the byte when the caller has it, -2 when not.</summary>
    private static int RawFirst(ReadOnlyMemory<byte> rawName, bool hasEscapes, int first)
    {
        if (hasEscapes || rawName.IsEmpty)
        {
            return -1;
        }

        if (first == -2)
        {
            first = rawName.Span[0];
        }

        return first < 0x80 ? first : -1;
    }

    /// <summary>The name's UTF-8 bytes as received, when the property came from the input without escapes, or
    /// an enricher named it with a <see cref="LogName"/> (its constant bytes): key rules look at every name of every record, and decoding each into a string cost more than the
    /// rules themselves.</summary>
    internal bool TryGetRawName(out ReadOnlySpan<byte> name)
    {
        if (_isRaw && !_rawHasEscapes)
        {
            name = _rawName.Span;
            return true;
        }

        name = default;
        return false;
    }

    /// <summary>The name's first char when one read tells it (an unescaped ASCII first byte, or an ASCII first char of a
    /// name set as a string), else -1 (an escaped, non-ASCII or empty name): a pass over every name of a record that
    /// looks for a few rules the rest out by it without touching the name's bytes.</summary>
    internal int FirstChar => _first;

    /// <summary>Lookups by an ASCII name compare this first (an int, no span): the name's length when it can
    /// equal an ASCII name of that length without decoding (unescaped input bytes, or an ASCII name set by
    /// an enricher); -1 when only the decoded name can tell (escapes, non-ASCII names set by enrichers).</summary>
    internal int AsciiLength => _asciiLength;

    /// <summary>For an ASCII <paramref name="name"/> whose length equals <see cref="AsciiLength"/>.</summary>
    internal bool NameEqualsAscii(ReadOnlySpan<char> name) =>
        (_first < 0 || name.IsEmpty || name[0] == _first) && (_isRaw ? Ascii.Equals(_rawName.Span, name) : name.SequenceEqual(_name));

    /// <summary>The decoded property name.</summary>
    public string Name => _name ??= DecodeName();

    public LogNode Value
    {
        get => _value;
        set
        {
            // The member's input bytes stay what writing the property gives only while its value writes as they hold it:
            // decided here, once per change, so the writer asks no more than whether the value changed in place since.
            if (_memberLength != 0 && !ReferenceEquals(value, _value))
            {
                _valueAsMember = WritesAsMemberValue(value);
            }

            _value = value;
        }
    }

    /// <summary>True when the name equals <paramref name="name"/> (ordinal). Avoids decoding the name for
    /// the common case of an unescaped ASCII name.</summary>
    public bool NameEquals(ReadOnlySpan<char> name)
    {
        if (_first >= 0 && (name.IsEmpty || name[0] != _first))
        {
            // Lookups compare a name with every property of an object: most differ in the first char.
            return false;
        }

        if (!_isRaw || _rawHasEscapes)
        {
            return name.SequenceEqual(Name);
        }

        var raw = _rawName.Span;
        if (raw.Length != name.Length)
        {
            // Lookups scan every property, so mismatches must be cheap. UTF-8 never has fewer bytes than
            // UTF-16 has chars, and more bytes only when both sides hold non-ASCII text.
            if (raw.Length < name.Length || name.IsEmpty || (raw[0] < 0x80 && raw[0] != name[0]))
            {
                return false;
            }

            return !Ascii.IsValid(name) && name.SequenceEqual(Name);
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
        if (_first >= 0 && (name.Length == 0 || (_first | 0x20) != (name[0] | 0x20)))
        {
            return false;
        }

        if (!_isRaw || _rawHasEscapes)
        {
            return string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
        }

        var raw = _rawName.Span;
        return raw.Length == name.Length && Ascii.EqualsIgnoreCase(raw, name);
    }

    /// <summary>The name's length in UTF-8 bytes as written in the input (or of a <see cref="LogName"/>), or in
    /// chars once decoded (a name with escapes, or set by an enricher as a string): equal to <c>Name.Length</c> for every name that can equal an ASCII field
    /// name, which makes it a cheap first test before <see cref="NameEquals"/>. An escaped name is measured
    /// decoded: with the raw length, <c>"requ\u0065st"</c> (12 bytes) passed the enrichers' dispatch on the
    /// length of <c>request</c>, so an address under it was neither read nor removed.</summary>
    internal int NameLength => _isRaw && !_rawHasEscapes ? _rawName.Length : Name.Length;

    /// <summary>The member's input bytes, <c>"name":value</c>, when writing the property now would write exactly those:
    /// the parser saw it written without whitespace with a string, number or literal value, and that value is still
    /// the one the input holds there (a string node over the same input bytes, a literal of the same text). Most
    /// members of a record are written this way, one copy each (or one for a run of them, see
    /// <see cref="LogObject"/>), instead of a copy for the name, one for the value and a virtual call between.</summary>
    internal bool TryGetIntactMember(out ReadOnlySpan<byte> member)
    {
        // A literal never changes in place, so its node is not read (a small number is a shared node, seldom in cache).
        if (_valueAsMember == MemberValue.No || (_valueAsMember == MemberValue.WhileUnchanged && _value.ChangedSinceParse))
        {
            member = default;
            return false;
        }

        member = Member;
        return true;
    }

    /// <summary>The member's input bytes: they start at the quote before the name's bytes, in the same input.</summary>
    private ReadOnlySpan<byte> Member => MemoryMarshal.CreateReadOnlySpan(
        ref Unsafe.Subtract(ref MemoryMarshal.GetReference(_rawName.Span), 1), _memberLength);

    /// <summary>Whether <paramref name="value"/>, put in place of the parsed value, writes the bytes the member holds for
    /// its value: a string unchanged since it was made over those same input bytes (as long as it stays unchanged), or
    /// a literal of the same text.</summary>
    private MemberValue WritesAsMemberValue(LogNode value)
    {
        // The member starts with the quoted name and its colon.
        var bytes = Member[(_rawName.Length + 3)..];
        return value switch
        {
            LogString s when !s.ChangedSinceParse && bytes[0] == (byte)'"' && s.IsRawSliceOf(bytes[1..^1]) => MemberValue.WhileUnchanged,
            LogLiteral l when l.RawUtf8.SequenceEqual(bytes) => MemberValue.Always,
            _ => MemberValue.No,
        };
    }

    private static MemberValue Parsed(int memberLength, bool stringValue) =>
        memberLength == 0 ? MemberValue.No : stringValue ? MemberValue.WhileUnchanged : MemberValue.Always;

    /// <summary>Whether the value writes as the member's input bytes hold it.</summary>
    private enum MemberValue : byte
    {
        /// <summary>No member, or a value that writes otherwise.</summary>
        No,

        /// <summary>A literal of the member's text: it cannot change.</summary>
        Always,

        /// <summary>A string over the member's bytes, as long as it is not changed in place.</summary>
        WhileUnchanged,
    }

    /// <summary>Writes <c>,"name":value</c> (the comma only when <paramref name="comma"/>): a name and a string value
    /// both held as bytes (enrichers' fields, masked values) in one step, anything else name first, then value.</summary>
    internal void WriteMemberTo(ref JsonOutput output, bool comma)
    {
        if (_isRaw && Value is LogString { IsRaw: true } s)
        {
            output.WriteMemberRawString(_rawName.Span, s.RawUtf8, comma);
            return;
        }

        WriteMemberStartTo(ref output, comma);
        Value.WriteTo(ref output);
    }

    /// <summary>Writes <c>,"name":</c> (the comma only when <paramref name="comma"/>).</summary>
    private void WriteMemberStartTo(ref JsonOutput output, bool comma)
    {
        if (_isRaw)
        {
            output.WriteMemberRaw(_rawName.Span, comma);
            return;
        }

        if (comma)
        {
            output.WriteByte((byte)',');
        }

        output.WriteString(_name);
        output.WriteByte((byte)':');
    }

    private string DecodeName() =>
        _rawHasEscapes ? LogString.FromRaw(_rawName, true).Value : Encoding.UTF8.GetString(_rawName.Span);

    public override string ToString() => Name;
}
