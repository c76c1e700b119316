using System.Buffers;
using System.Text;

namespace Enrichers.Tracing;

/// <summary>Parsing of W3C trace context and B3 headers on spans (no strings). Accepts upper- or lowercase
/// hex and writes lowercase; refuses all-zero IDs, which both specifications define as invalid.</summary>
internal static class TraceIds
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly SearchValues<byte> HexDigitBytes = SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>W3C <c>traceparent</c>: <c>00-&lt;32 hex&gt;-&lt;16 hex&gt;-&lt;2 hex&gt;</c>. Writes the
    /// lowercase trace ID (32 chars) and span ID (16 chars).</summary>
    public static bool TryParseTraceparent(ReadOnlySpan<char> value, Span<char> traceId, Span<char> spanId)
    {
        var v = value.Trim();
        if (v.Length != 55 || v[0] != '0' || v[1] != '0' || v[2] != '-' || v[35] != '-' || v[52] != '-'
            || !IsHexId(v.Slice(3, 32)) || !IsHexId(v.Slice(36, 16)) || !IsHex(v.Slice(53, 2)))
        {
            return false;
        }

        v.Slice(3, 32).ToLowerInvariant(traceId);
        v.Slice(36, 16).ToLowerInvariant(spanId);
        return true;
    }

    /// <summary>B3 single header: <c>{traceid}-{spanid}[-{sampled}[-{parentspanid}]]</c>; a bare sampling
    /// decision (<c>0</c>, <c>1</c>, <c>d</c>) carries no ID. Writes the lowercase trace ID (16 or 32 chars,
    /// length in <paramref name="traceLength"/>) and span ID (16 chars).</summary>
    public static bool TryParseB3Single(ReadOnlySpan<char> value, Span<char> traceId, out int traceLength, Span<char> spanId)
    {
        traceLength = 0;
        var v = value.Trim();
        var dash = v.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var trace = v[..dash];
        var rest = v[(dash + 1)..];
        var next = rest.IndexOf('-');
        var span = next < 0 ? rest : rest[..next];
        if (!IsB3TraceId(trace) || span.Length != 16 || !IsHexId(span))
        {
            return false;
        }

        traceLength = trace.ToLowerInvariant(traceId);
        span.ToLowerInvariant(spanId);
        return true;
    }

    /// <summary>B3 <c>X-B3-TraceId</c>: 16 or 32 hex, written lowercase.</summary>
    public static bool TryParseB3TraceId(ReadOnlySpan<char> value, Span<char> traceId, out int traceLength)
    {
        var v = value.Trim();
        traceLength = IsB3TraceId(v) ? v.ToLowerInvariant(traceId) : 0;
        return traceLength > 0;
    }

    /// <summary>B3 <c>X-B3-SpanId</c>: 16 hex, written lowercase.</summary>
    public static bool TryParseSpanId(ReadOnlySpan<char> value, Span<char> spanId)
    {
        var v = value.Trim();
        if (v.Length != 16 || !IsHexId(v))
        {
            return false;
        }

        v.ToLowerInvariant(spanId);
        return true;
    }

    /// <summary>A producer's own trace ID: kept as sent, except that a W3C/B3-shaped hex ID (16 or 32 hex)
    /// is lowercased (into <paramref name="buffer"/>) so that it links with the same ID sent in a header.</summary>
    public static ReadOnlySpan<char> NormalizeProducerId(ReadOnlySpan<char> value, Span<char> buffer)
    {
        if (IsB3TraceId(value) && value.ContainsAnyInRange('A', 'F'))
        {
            var n = value.ToLowerInvariant(buffer);
            return buffer[..n];
        }

        return value;
    }

    /// <summary><see cref="NormalizeProducerId(ReadOnlySpan{char}, Span{char})"/> on UTF-8 (a record's own unescaped
    /// string, read without decoding it); <paramref name="lowercased"/> tells whether the ID changed.</summary>
    public static ReadOnlySpan<byte> NormalizeProducerId(ReadOnlySpan<byte> value, Span<byte> buffer, out bool lowercased)
    {
        lowercased = (value.Length == 16 || value.Length == 32) && !value.ContainsAnyExcept(HexDigitBytes)
            && value.ContainsAnyExcept((byte)'0') && value.ContainsAnyInRange((byte)'A', (byte)'F');
        if (!lowercased)
        {
            return value;
        }

        Ascii.ToLower(value, buffer, out var n);
        return buffer[..n];
    }

    private static bool IsB3TraceId(ReadOnlySpan<char> v) => (v.Length == 16 || v.Length == 32) && IsHexId(v);

    private static bool IsHexId(ReadOnlySpan<char> v) => IsHex(v) && v.ContainsAnyExcept('0');

    private static bool IsHex(ReadOnlySpan<char> v) => !v.IsEmpty && !v.ContainsAnyExcept(HexDigits);
}
