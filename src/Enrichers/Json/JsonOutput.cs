using System.Buffers;
using System.Text;

namespace Enrichers.Json;

/// <summary>Writes compact JSON to a buffer. Hand-written rather than Utf8JsonWriter because untouched
/// names and strings must come out exactly as they came in (Utf8JsonWriter re-escapes them).</summary>
internal sealed class JsonOutput(IBufferWriter<byte> writer)
{
    // JSON requires escaping of quote, backslash and the C0 controls; nothing else.
    private static readonly SearchValues<char> MustEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    public void WriteByte(byte b)
    {
        var span = writer.GetSpan(1);
        span[0] = b;
        writer.Advance(1);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        var span = writer.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        writer.Advance(bytes.Length);
    }

    /// <summary>Writes <c>"raw"</c>: raw is already valid escaped JSON string content.</summary>
    public void WriteQuotedRaw(ReadOnlySpan<byte> raw)
    {
        var span = writer.GetSpan(raw.Length + 2);
        span[0] = (byte)'"';
        raw.CopyTo(span[1..]);
        span[raw.Length + 1] = (byte)'"';
        writer.Advance(raw.Length + 2);
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
                var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length));
                writer.Advance(Encoding.UTF8.GetBytes(plain, span));
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

        var span = writer.GetSpan(6);
        "\\u00"u8.CopyTo(span);
        span[4] = (byte)"0123456789abcdef"[c >> 4];
        span[5] = (byte)"0123456789abcdef"[c & 0xF];
        writer.Advance(6);
    }
}
