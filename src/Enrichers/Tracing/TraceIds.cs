namespace Enrichers.Tracing;

/// <summary>Parsing of W3C trace context and B3 headers. Accepts upper- or lowercase hex and returns
/// lowercase; refuses all-zero IDs, which both specifications define as invalid.</summary>
internal static class TraceIds
{
    /// <summary>W3C <c>traceparent</c>: <c>00-&lt;32 hex&gt;-&lt;16 hex&gt;-&lt;2 hex&gt;</c>.</summary>
    public static bool TryParseTraceparent(string value, out string traceId, out string spanId)
    {
        traceId = spanId = string.Empty;
        var v = value.AsSpan().Trim();
        if (v.Length != 55 || v[0] != '0' || v[1] != '0' || v[2] != '-' || v[35] != '-' || v[52] != '-'
            || !IsHexId(v.Slice(3, 32)) || !IsHexId(v.Slice(36, 16)) || !IsHex(v.Slice(53, 2)))
        {
            return false;
        }

        traceId = Lower(v.Slice(3, 32));
        spanId = Lower(v.Slice(36, 16));
        return true;
    }

    /// <summary>B3 single header: <c>{traceid}-{spanid}[-{sampled}[-{parentspanid}]]</c>; a bare sampling
    /// decision (<c>0</c>, <c>1</c>, <c>d</c>) carries no ID.</summary>
    public static bool TryParseB3Single(string value, out string traceId, out string spanId)
    {
        traceId = spanId = string.Empty;
        var v = value.AsSpan().Trim();
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

        traceId = Lower(trace);
        spanId = Lower(span);
        return true;
    }

    /// <summary>B3 <c>X-B3-TraceId</c>: 16 or 32 hex.</summary>
    public static bool TryParseB3TraceId(string value, out string traceId)
    {
        var v = value.AsSpan().Trim();
        traceId = IsB3TraceId(v) ? Lower(v) : string.Empty;
        return traceId.Length > 0;
    }

    /// <summary>B3 <c>X-B3-SpanId</c>: 16 hex.</summary>
    public static bool TryParseSpanId(string value, out string spanId)
    {
        var v = value.AsSpan().Trim();
        spanId = v.Length == 16 && IsHexId(v) ? Lower(v) : string.Empty;
        return spanId.Length > 0;
    }

    /// <summary>A producer's own trace ID: kept as sent, except that a W3C/B3-shaped hex ID (16 or 32 hex)
    /// is lowercased so that it links with the same ID sent in a header.</summary>
    public static string NormalizeProducerId(string value) =>
        IsB3TraceId(value) && value.AsSpan().ContainsAnyInRange('A', 'F') ? Lower(value) : value;

    private static bool IsB3TraceId(ReadOnlySpan<char> v) => (v.Length == 16 || v.Length == 32) && IsHexId(v);

    private static bool IsHexId(ReadOnlySpan<char> v) => IsHex(v) && v.ContainsAnyExcept('0');

    private static bool IsHex(ReadOnlySpan<char> v) => !v.IsEmpty && !v.ContainsAnyExcept(HexDigits);

    private static string Lower(ReadOnlySpan<char> v) =>
        v.ContainsAnyInRange('A', 'F') ? string.Create(v.Length, v.ToString(), static (dst, src) => src.AsSpan().ToLowerInvariant(dst)) : v.ToString();

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}
