using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Enrichers.Json;

/// <summary>Writes compact JSON to a buffer. Hand-written rather than Utf8JsonWriter because untouched
/// names and strings must come out exactly as they came in (Utf8JsonWriter re-escapes them).
/// A ref struct over one span asked for once per record (sized from the input): the punctuation between
/// values is a store and an increment, not an interface call to the buffer writer per byte. Call
/// <see cref="Flush"/> when done; only then is the output advanced.</summary>
internal ref struct JsonOutput
{
    // Asked for when the span runs out: most records fit the first span, and a bigger step keeps the
    // number of interface calls low for the few that do not.
    private const int MinimumGrowth = 4096;

    // JSON requires escaping of quote, backslash and the C0 controls; nothing else.
    private static readonly SearchValues<char> MustEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    /// <summary>The same bytes in UTF-8, kept once for every part of the library that asks the question of bytes: a
    /// text without them is written as its UTF-8 between quotes, and in a JSON string they end a plain run.</summary>
    internal static readonly SearchValues<byte> MustEscapeUtf8 = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F"u8 +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    private readonly IBufferWriter<byte> _writer;
    private Span<byte> _span;
    private int _pos;

    public JsonOutput(IBufferWriter<byte> writer, int sizeHint)
    {
        _writer = writer;
        _span = writer.GetSpan(Math.Max(sizeHint, 256));
        _pos = 0;
    }

    /// <summary>Advances the underlying writer past what was written.</summary>
    public void Flush()
    {
        _writer.Advance(_pos);
        _span = default;
        _pos = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte b)
    {
        if ((uint)_pos < (uint)_span.Length)
        {
            _span[_pos++] = b;
        }
        else
        {
            Grow(1);
            _span[_pos++] = b;
        }
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_span[_pos..]);
        _pos += bytes.Length;
    }

    /// <summary>Writes <c>"raw"</c>: raw is already valid escaped JSON string content.</summary>
    public void WriteQuotedRaw(ReadOnlySpan<byte> raw)
    {
        Ensure(raw.Length + 2);
        var span = _span[_pos..];
        span[0] = (byte)'"';
        raw.CopyTo(span[1..]);
        span[raw.Length + 1] = (byte)'"';
        _pos += raw.Length + 2;
    }

    /// <summary>Writes <paramref name="raw"/> after a comma when <paramref name="comma"/>: a member or run of members
    /// as the input wrote them.</summary>
    public void WriteRawAfter(ReadOnlySpan<byte> raw, bool comma)
    {
        Ensure(raw.Length + 1);
        var span = _span[_pos..];
        var k = 0;
        if (comma)
        {
            span[k++] = (byte)',';
        }

        raw.CopyTo(span[k..]);
        _pos += k + raw.Length;
    }

    /// <summary>Writes <c>,"raw":</c> (the comma only when <paramref name="comma"/>): an object member's start
    /// in one bounds check instead of one per punctuation byte.</summary>
    public void WriteMemberRaw(ReadOnlySpan<byte> raw, bool comma)
    {
        Ensure(raw.Length + 4);
        _pos += MemberStart(_span[_pos..], raw, comma);
    }

    /// <summary>Writes <c>,"raw":"value"</c> (the comma only when <paramref name="comma"/>): a member whose name and string
    /// value are both held as JSON string content (parsed, masked, or set by an enricher as bytes), in one bounds check.</summary>
    public void WriteMemberRawString(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> value, bool comma)
    {
        Ensure(raw.Length + value.Length + 6);
        var span = _span[_pos..];
        var k = MemberStart(span, raw, comma);
        span[k++] = (byte)'"';
        value.CopyTo(span[k..]);
        k += value.Length;
        span[k++] = (byte)'"';
        _pos += k;
    }

    /// <summary>Puts <c>,"raw":</c> at the start of <paramref name="span"/>, which has room for it; returns its length
    /// (internal: GeoIP renders a record's object with it, <see cref="Geo.GeoFieldWriter.RenderGeo"/>).</summary>
    internal static int MemberStart(Span<byte> span, ReadOnlySpan<byte> raw, bool comma)
    {
        var k = 0;
        if (comma)
        {
            span[k++] = (byte)',';
        }

        span[k++] = (byte)'"';
        raw.CopyTo(span[k..]);
        k += raw.Length;
        span[k++] = (byte)'"';
        span[k++] = (byte)':';
        return k;
    }

    /// <summary>Writes a .NET string as a JSON string, escaping only what JSON requires.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        WriteByte((byte)'"');
        while (!value.IsEmpty)
        {
            var stop = value.IndexOfAny(MustEscape);
            var plain = stop < 0 ? value : value[..stop];
            if (!plain.IsEmpty)
            {
                Ensure(Encoding.UTF8.GetMaxByteCount(plain.Length));
                _pos += Encoding.UTF8.GetBytes(plain, _span[_pos..]);
            }

            if (stop < 0)
            {
                break;
            }

            WriteEscaped(value[stop]);
            value = value[(stop + 1)..];
        }

        WriteByte((byte)'"');
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_span.Length - _pos < count)
        {
            Grow(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        _writer.Advance(_pos);
        _pos = 0;
        _span = _writer.GetSpan(Math.Max(count, MinimumGrowth));
    }

    private void WriteEscaped(char c)
    {
        ReadOnlySpan<byte> esc = c switch
        {
            '"' => "\\\""u8,
            '\\' => "\\\\"u8,
            '\n' => "\\n"u8,
            '\r' => "\\r"u8,
            '\t' => "\\t"u8,
            '\b' => "\\b"u8,
            '\f' => "\\f"u8,
            _ => default,
        };
        if (!esc.IsEmpty)
        {
            WriteRaw(esc);
            return;
        }

        Ensure(6);
        var span = _span[_pos..];
        "\\u00"u8.CopyTo(span);
        span[4] = (byte)"0123456789abcdef"[c >> 4];
        span[5] = (byte)"0123456789abcdef"[c & 0xF];
        _pos += 6;
    }
}
