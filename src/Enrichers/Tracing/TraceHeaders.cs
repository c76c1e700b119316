namespace Enrichers.Tracing;

/// <summary>Trace context the transport carried beside a record rather than in it: the W3C <c>traceparent</c>, B3
/// single <c>b3</c> and B3 multi <c>X-B3-TraceId</c>/<c>X-B3-SpanId</c> headers of a Kafka message (where
/// OpenTelemetry-instrumented producers put it). The worker's Kafka layer fills it from the message headers, so this
/// library never sees a Kafka type; trace linking uses it only when the record's body carries no trace ID of its own
/// (the body wins). Header values are text; null or empty means the header was not sent.</summary>
public sealed class TraceHeaders
{
    /// <summary>Header names, matched ignoring case (B3 comes from HTTP, where names are case-insensitive).</summary>
    public const string TraceparentName = "traceparent";

    public const string B3Name = "b3";

    public const string B3TraceIdName = "X-B3-TraceId";

    public const string B3SpanIdName = "X-B3-SpanId";

    public string? Traceparent { get; init; }

    public string? B3 { get; init; }

    public string? B3TraceId { get; init; }

    public string? B3SpanId { get; init; }

    /// <summary>True when no header of interest was sent.</summary>
    public bool IsEmpty => string.IsNullOrEmpty(Traceparent) && string.IsNullOrEmpty(B3) && string.IsNullOrEmpty(B3TraceId) && string.IsNullOrEmpty(B3SpanId);

    /// <summary>True when <paramref name="name"/> is one of the headers read here (ignoring case).</summary>
    public static bool IsTraceHeader(string name) =>
        name.Equals(TraceparentName, StringComparison.OrdinalIgnoreCase) || name.Equals(B3Name, StringComparison.OrdinalIgnoreCase)
        || name.Equals(B3TraceIdName, StringComparison.OrdinalIgnoreCase) || name.Equals(B3SpanIdName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The headers as name/value pairs (to carry them on, e.g. onto a dead-letter copy).</summary>
    public IEnumerable<KeyValuePair<string, string>> Pairs()
    {
        if (!string.IsNullOrEmpty(Traceparent))
        {
            yield return KeyValuePair.Create(TraceparentName, Traceparent);
        }

        if (!string.IsNullOrEmpty(B3))
        {
            yield return KeyValuePair.Create(B3Name, B3);
        }

        if (!string.IsNullOrEmpty(B3TraceId))
        {
            yield return KeyValuePair.Create(B3TraceIdName, B3TraceId);
        }

        if (!string.IsNullOrEmpty(B3SpanId))
        {
            yield return KeyValuePair.Create(B3SpanIdName, B3SpanId);
        }
    }

    /// <summary>Builds the headers from name/value pairs, keeping the last value of each header of interest and
    /// ignoring the others; null when none is of interest.</summary>
    public static TraceHeaders? From(IEnumerable<KeyValuePair<string, string>> headers)
    {
        string? traceparent = null, b3 = null, traceId = null, spanId = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals(TraceparentName, StringComparison.OrdinalIgnoreCase))
            {
                traceparent = value;
            }
            else if (name.Equals(B3Name, StringComparison.OrdinalIgnoreCase))
            {
                b3 = value;
            }
            else if (name.Equals(B3TraceIdName, StringComparison.OrdinalIgnoreCase))
            {
                traceId = value;
            }
            else if (name.Equals(B3SpanIdName, StringComparison.OrdinalIgnoreCase))
            {
                spanId = value;
            }
        }

        var result = new TraceHeaders { Traceparent = traceparent, B3 = b3, B3TraceId = traceId, B3SpanId = spanId };
        return result.IsEmpty ? null : result;
    }

    /// <summary>The trace context the headers carry, in the order trace linking reads the body: <c>traceparent</c>,
    /// then <c>X-B3-TraceId</c> (with <c>X-B3-SpanId</c>), then <c>b3</c>. Writes the lowercase trace ID (16 or 32
    /// chars, <paramref name="idLength"/>) and span ID (16 chars, when <paramref name="hasSpan"/>).
    /// <paramref name="malformed"/> counts the headers that were sent but could not be read (they are ignored); a
    /// <c>b3</c> holding only a sampling decision (<c>0</c>, <c>1</c>, <c>d</c>) carries no ID and is not malformed.</summary>
    internal bool TryResolve(Span<char> id, out int idLength, Span<char> span, out bool hasSpan, out int malformed)
    {
        idLength = 0;
        hasSpan = false;
        malformed = 0;
        var found = false;
        if (!string.IsNullOrEmpty(Traceparent))
        {
            if (TraceIds.TryParseTraceparent(Traceparent, id, span))
            {
                (found, idLength, hasSpan) = (true, 32, true);
            }
            else
            {
                malformed++;
            }
        }

        Span<char> otherId = stackalloc char[32];
        Span<char> otherSpan = stackalloc char[16];
        if (!string.IsNullOrEmpty(B3TraceId))
        {
            if (TraceIds.TryParseB3TraceId(B3TraceId, otherId, out var length))
            {
                var spanOk = !string.IsNullOrEmpty(B3SpanId) && TraceIds.TryParseSpanId(B3SpanId, otherSpan);
                if (!string.IsNullOrEmpty(B3SpanId) && !spanOk)
                {
                    malformed++;
                }

                if (!found)
                {
                    otherId[..length].CopyTo(id);
                    (found, idLength, hasSpan) = (true, length, spanOk);
                    if (spanOk)
                    {
                        otherSpan.CopyTo(span);
                    }
                }
            }
            else
            {
                malformed++;
            }
        }
        else if (!string.IsNullOrEmpty(B3SpanId))
        {
            // A span without its trace means nothing.
            malformed++;
        }

        if (!string.IsNullOrEmpty(B3))
        {
            if (TraceIds.TryParseB3Single(B3, otherId, out var length, otherSpan))
            {
                if (!found)
                {
                    otherId[..length].CopyTo(id);
                    otherSpan.CopyTo(span);
                    (found, idLength, hasSpan) = (true, length, true);
                }
            }
            else if (B3.Trim() is not ("0" or "1" or "d"))
            {
                malformed++;
            }
        }

        return found;
    }
}
