using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Enrichers.Json;

/// <summary>A JSON string. Parsed strings keep their raw (still escaped) input bytes and decode lazily;
/// strings set by enrichers are written with minimal escaping.</summary>
public sealed class LogString : LogNode
{
    private ReadOnlyMemory<byte> _raw;
    private bool _rawHasEscapes;
    private bool _fromInput;
    private bool _fromReferenceData;
    private string? _value;

    private LogString()
    {
    }

    public LogString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    public override LogNodeKind Kind => LogNodeKind.String;

    /// <summary>The decoded string.</summary>
    public string Value
    {
        get => _value ??= Decode();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _value = value;
            _raw = default;
            _rawHasEscapes = false;
            _fromInput = false;
            _fromReferenceData = false;
            ChangedSinceParse = true;
        }
    }

    /// <summary>True while the value is held as unescaped-or-escaped UTF-8 bytes: the parsed input, or text
    /// masking rebuilt from it (see <see cref="SetUnescapedUtf8"/>); false once an enricher set a string.</summary>
    public bool IsRaw => _fromInput;

    /// <summary>The raw UTF-8 bytes between the quotes while <see cref="IsRaw"/>; empty once an enricher
    /// set the value. Escapes are still present when
    /// <see cref="RawHasEscapes"/>.</summary>
    public ReadOnlySpan<byte> RawUtf8 => _raw.Span;

    public bool RawHasEscapes => _rawHasEscapes;

    internal bool IsEmptyString => _fromInput ? _raw.IsEmpty : _value!.Length == 0;

    /// <summary>True when the value is held as exactly these raw bytes (the same memory, not a copy): it would be
    /// written as they are.</summary>
    internal bool IsRawSliceOf(ReadOnlySpan<byte> bytes)
    {
        if (!_fromInput || _raw.Length != bytes.Length)
        {
            return false;
        }

        return System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(_raw.Span),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bytes));
    }

    /// <summary>Turns a pooled string into the next record's parsed string (see <see cref="LogNodePool"/>).</summary>
    internal void Reuse(ReadOnlyMemory<byte> raw, bool hasEscapes)
    {
        _raw = raw;
        _rawHasEscapes = hasEscapes;
        _fromInput = true;
        _fromReferenceData = false;
        _value = null;
        ChangedSinceParse = false;
    }

    /// <summary>Sets the value to UTF-8 text an enricher built from the record's own raw text (masking): bytes
    /// that need no JSON escaping, valid until the session's next record. It then reads and writes like an
    /// unescaped input string (<see cref="IsRaw"/> is true again).</summary>
    internal void SetUnescapedUtf8(ReadOnlyMemory<byte> utf8)
    {
        _raw = utf8;
        _rawHasEscapes = false;
        _fromInput = true;
        _fromReferenceData = false;
        _value = null;
        ChangedSinceParse = true;
    }

    /// <summary>True when an enricher set the value from reference data that holds no record text (a GeoIP
    /// database's names, a configured category): masking's built-in patterns need not scan it. Setting
    /// <see cref="Value"/> clears it.</summary>
    internal bool IsFromReferenceData => _fromReferenceData;

    /// <summary>Marks the value just set as reference data (see <see cref="IsFromReferenceData"/>); setting a value
    /// again clears the mark. A value held as UTF-8 is JSON string content (escaped where JSON requires it, as
    /// <see cref="JsonOutput.WriteString"/> writes), read and written like an input string; its bytes are not
    /// copied, so they must never change (GeoIP keeps them per database record).</summary>
    internal LogString AsReferenceData()
    {
        _fromReferenceData = true;
        return this;
    }

    /// <summary>A node of its own with the same value (the same bytes, not copied): enrichers change string nodes
    /// in place (masking), so a value shared by several records needs one node per record.</summary>
    internal LogString Copy(LogNodePool? pool)
    {
        if (_fromInput)
        {
            var raw = pool is null ? FromRaw(_raw, _rawHasEscapes) : pool.String(_raw, _rawHasEscapes);
            raw._fromReferenceData = _fromReferenceData;
            return raw;
        }

        var copy = pool is null ? new LogString(_value!) : pool.String(_value!);
        copy._fromReferenceData = _fromReferenceData;
        return copy;
    }

    internal static LogString FromRaw(ReadOnlyMemory<byte> raw, bool hasEscapes) =>
        new() { _raw = raw, _rawHasEscapes = hasEscapes, _fromInput = true };

    /// <summary>Decodes the raw escaped input into <paramref name="destination"/> without making a string (for
    /// scans that usually find nothing). False when not raw, or when it does not fit.</summary>
    internal bool TryDecodeRawInto(Span<char> destination, out int length)
    {
        length = 0;
        if (!_fromInput)
        {
            return false;
        }

        if (!_rawHasEscapes)
        {
            return Encoding.UTF8.TryGetChars(_raw.Span, destination, out length);
        }

        var quoted = ArrayPool<byte>.Shared.Rent(_raw.Length + 2);
        try
        {
            var reader = QuotedReader(quoted);
            length = reader.CopyString(destination);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800"): valid JSON syntax, but not valid UTF-16 for the framework.
            if (destination.Length < _raw.Length)
            {
                return false;
            }

            length = UnescapeLenient(_raw.Span, destination);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quoted);
        }
    }

    /// <summary>Unescapes raw JSON string content that the framework refuses because a <c>\u</c> escape is a lone
    /// surrogate: each escape becomes its char, a lone surrogate included (a .NET string may hold one), so the text
    /// can still be read and scanned instead of making the reader throw. The input passed the parser, so its escapes
    /// are well formed and its bytes valid UTF-8. <paramref name="destination"/> holds at least as many chars as
    /// <paramref name="raw"/> has bytes.</summary>
    private static int UnescapeLenient(ReadOnlySpan<byte> raw, Span<char> destination)
    {
        var n = 0;
        while (!raw.IsEmpty)
        {
            var slash = raw.IndexOf((byte)'\\');
            var plain = slash < 0 ? raw : raw[..slash];
            n += Encoding.UTF8.GetChars(plain, destination[n..]);
            if (slash < 0 || slash + 1 >= raw.Length)
            {
                break;
            }

            var e = raw[slash + 1];
            if (e == (byte)'u' && slash + 6 <= raw.Length
                && ushort.TryParse(raw.Slice(slash + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var unit))
            {
                destination[n++] = (char)unit;
                raw = raw[(slash + 6)..];
                continue;
            }

            destination[n++] = e switch
            {
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                _ => (char)e,
            };
            raw = raw[(slash + 2)..];
        }

        return n;
    }

    /// <summary>A reader positioned on the raw text as a JSON string in <paramref name="quoted"/> (at least two
    /// bytes longer than it). The framework's reader unescapes: it knows every JSON escape form, surrogate pairs
    /// included.</summary>
    private Utf8JsonReader QuotedReader(byte[] quoted)
    {
        quoted[0] = (byte)'"';
        _raw.Span.CopyTo(quoted.AsSpan(1));
        quoted[_raw.Length + 1] = (byte)'"';
        var reader = new Utf8JsonReader(quoted.AsSpan(0, _raw.Length + 2));
        reader.Read();
        return reader;
    }

    private string Decode()
    {
        if (_raw.IsEmpty)
        {
            return string.Empty;
        }

        if (!_rawHasEscapes)
        {
            return Encoding.UTF8.GetString(_raw.Span);
        }

        var quoted = ArrayPool<byte>.Shared.Rent(_raw.Length + 2);
        try
        {
            var reader = QuotedReader(quoted);
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape: read leniently rather than make every reader of the value throw.
            var chars = new char[_raw.Length];
            return new string(chars, 0, UnescapeLenient(_raw.Span, chars));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quoted);
        }
    }

    internal override void WriteTo(ref JsonOutput output)
    {
        if (_fromInput)
        {
            output.WriteQuotedRaw(_raw.Span);
        }
        else
        {
            output.WriteString(_value);
        }
    }

    public override string ToString() => Value;
}
