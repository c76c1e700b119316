using Enrichers.Json;

namespace Enrichers.Tracing;

/// <summary>Gives each record one <c>trace_id</c> (from the first present of <c>trace_id</c>, <c>traceId</c>,
/// <c>trace.id</c>, W3C <c>traceparent</c>, B3 <c>x-b3-traceid</c> or single <c>b3</c>, the headers also under
/// <c>request.headers</c>) and links the records of a trace: <c>trace_seq</c>, <c>trace_elapsed_ms</c>,
/// <c>trace_root_service</c>. Made per session (one Kafka partition), so it is not thread-safe; its state
/// is bounded by count (least recently seen trace goes first) and idle time.</summary>
public sealed class TraceLinkingEnricher : ISessionEnricher
{
    private const string TraceIdCamel = "traceId";
    private const string TraceDotId = "trace.id";
    private const string Traceparent = "traceparent";
    private const string B3TraceId = "x-b3-traceid";
    private const string B3SpanId = "x-b3-spanid";
    private const string B3Single = "b3";
    private const string RequestHeaders = "request.headers";

    private readonly TraceLinkingOptions _options;
    private readonly EnrichmentStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, TraceState> _traces = new(StringComparer.Ordinal);

    // Most recently seen first, so the idle and the least recently used traces sit at the end.
    private readonly LinkedList<TraceState> _recency = new();

    public TraceLinkingEnricher(TraceLinkingOptions options, EnrichmentStatistics statistics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _statistics = statistics;
        _time = time;
    }

    public string Name => "trace";

    /// <summary>Traces currently remembered.</summary>
    internal int ActiveTraces => _traces.Count;

    public void Enrich(LogRecord record)
    {
        var root = record.Root;
        if (!TryResolve(root, out var traceId, out var spanId, out var writeTraceId))
        {
            return;
        }

        if (writeTraceId)
        {
            root.Set(FieldNames.TraceId, traceId);
        }

        if (spanId is not null && root.IndexOf(FieldNames.SpanId) < 0)
        {
            root.Set(FieldNames.SpanId, spanId);
        }

        RemoveCopiedAliases(root, traceId);
        Link(root, traceId);
    }

    public void Dispose()
    {
        _traces.Clear();
        _recency.Clear();
    }

    /// <summary>Finds the trace ID. <paramref name="writeTraceId"/> is false when <c>trace_id</c> already holds
    /// it exactly. Returns false when there is no usable ID, or when <c>trace_id</c> holds something that is
    /// not an ID (an object, say): producer data is never overwritten.</summary>
    private static bool TryResolve(LogObject root, out string traceId, out string? spanId, out bool writeTraceId)
    {
        traceId = string.Empty;
        spanId = null;
        writeTraceId = true;

        var own = root.Get(FieldNames.TraceId);
        switch (ProducerId(own))
        {
            case { } id:
                traceId = TraceIds.NormalizeProducerId(id);
                writeTraceId = !ReferenceEquals(traceId, id) || own is not LogString;
                return true;
            case null when own is not null && !own.IsEmpty:
                return false;
        }

        if (ProducerId(root.Get(TraceIdCamel)) is { } camel)
        {
            traceId = TraceIds.NormalizeProducerId(camel);
            return true;
        }

        if (ProducerId(LogPath.Find(root, TraceDotId)) is { } dotted)
        {
            traceId = TraceIds.NormalizeProducerId(dotted);
            return true;
        }

        var headers = LogPath.Find(root, RequestHeaders) as LogObject;
        if ((TryTraceparent(HeaderValue(root, Traceparent), out traceId, out spanId)
                || TryTraceparent(HeaderValue(headers, Traceparent), out traceId, out spanId))
            || TryB3(root, out traceId, out spanId)
            || (headers is not null && TryB3(headers, out traceId, out spanId))
            || TryB3Single(HeaderValue(root, B3Single), out traceId, out spanId)
            || TryB3Single(HeaderValue(headers, B3Single), out traceId, out spanId))
        {
            return true;
        }

        traceId = string.Empty;
        spanId = null;
        return false;
    }

    private static string? ProducerId(LogNode? node) => node switch
    {
        LogString s when !s.IsEmpty => s.Value,
        LogLiteral { Kind: LogNodeKind.Number } n => n.ToString(),
        _ => null,
    };

    private static bool TryTraceparent(LogNode? node, out string traceId, out string? spanId)
    {
        spanId = null;
        if (node is LogString s && TraceIds.TryParseTraceparent(s.Value, out traceId, out var span))
        {
            spanId = span;
            return true;
        }

        traceId = string.Empty;
        return false;
    }

    private static bool TryB3(LogObject obj, out string traceId, out string? spanId)
    {
        spanId = null;
        if (HeaderValue(obj, B3TraceId) is LogString s && TraceIds.TryParseB3TraceId(s.Value, out traceId))
        {
            var span = HeaderValue(obj, B3SpanId);
            if (span is LogString spanString && TraceIds.TryParseSpanId(spanString.Value, out var parsedSpan))
            {
                spanId = parsedSpan;
            }

            return true;
        }

        traceId = string.Empty;
        return false;
    }

    private static bool TryB3Single(LogNode? node, out string traceId, out string? spanId)
    {
        spanId = null;
        if (node is LogString s && TraceIds.TryParseB3Single(s.Value, out traceId, out var span))
        {
            spanId = span;
            return true;
        }

        traceId = string.Empty;
        return false;
    }

    // HTTP header names are case-insensitive, and loggers keep whatever case the client sent (also when
    // they copy a header to the top level).
    private static LogNode? HeaderValue(LogObject? headers, string name)
    {
        var i = HeaderIndex(headers, name);
        return i < 0 ? null : headers!.Properties[i].Value;
    }

    private static int HeaderIndex(LogObject? headers, string name)
    {
        if (headers is null)
        {
            return -1;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            if (headers.Properties[i].NameEqualsIgnoreAsciiCase(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Removes the other trace-ID fields that hold the same ID, so the concept has one field.
    /// A field that holds a different ID is producer data that disagrees: it is kept. <c>traceparent</c>
    /// always stays as received.</summary>
    private static void RemoveCopiedAliases(LogObject root, string traceId)
    {
        if (ProducerId(root.Get(TraceIdCamel)) is { } camel && TraceIds.NormalizeProducerId(camel) == traceId)
        {
            root.Remove(TraceIdCamel);
        }

        if (ProducerId(LogPath.Find(root, TraceDotId)) is { } dotted && TraceIds.NormalizeProducerId(dotted) == traceId)
        {
            LogPath.Remove(root, TraceDotId);
        }

        RemoveHeader(root, B3TraceId, traceId, single: false);
        RemoveHeader(root, B3Single, traceId, single: true);
        if (LogPath.Find(root, RequestHeaders) is LogObject headers)
        {
            var removed = RemoveHeader(headers, B3TraceId, traceId, single: false)
                | RemoveHeader(headers, B3Single, traceId, single: true);
            if (removed && headers.Count == 0)
            {
                LogPath.Remove(root, RequestHeaders);
            }
        }
    }

    private static bool RemoveHeader(LogObject headers, string name, string traceId, bool single)
    {
        var i = HeaderIndex(headers, name);
        if (i < 0 || headers.Properties[i].Value is not LogString s)
        {
            return false;
        }

        var matches = single
            ? TraceIds.TryParseB3Single(s.Value, out var id, out _) && id == traceId
            : TraceIds.TryParseB3TraceId(s.Value, out id) && id == traceId;
        if (matches)
        {
            headers.RemoveAt(i);
        }

        return matches;
    }

    private void Link(LogObject root, string traceId)
    {
        var now = _time.GetTimestamp();
        ExpireIdle(now);

        var timestamp = IsoTimestamp.TryGetUnixMilliseconds(root.Get(FieldNames.Timestamp), out var ms)
            ? ms
            : _time.GetUtcNow().ToUnixTimeMilliseconds();

        if (_traces.TryGetValue(traceId, out var state))
        {
            _recency.Remove(state.Node!);
            _recency.AddFirst(state.Node!);
            if (timestamp < state.EarliestMs)
            {
                state.EarliestMs = timestamp;
                state.RootService = root.Get(FieldNames.ServiceName)?.AsString();
            }
        }
        else
        {
            if (_traces.Count >= _options.MaxTraces)
            {
                Forget(_recency.Last!.Value);
            }

            state = new TraceState(traceId)
            {
                EarliestMs = timestamp,
                RootService = root.Get(FieldNames.ServiceName)?.AsString(),
            };
            state.Node = _recency.AddFirst(state);
            _traces.Add(traceId, state);
        }

        state.Seq++;
        state.LastSeen = now;

        root.Set(FieldNames.TraceSeq, state.Seq);
        root.Set(FieldNames.TraceElapsedMs, timestamp - state.EarliestMs);
        if (state.RootService is not null)
        {
            root.Set(FieldNames.TraceRootService, state.RootService);
        }

        _statistics.TraceLinked();
    }

    private void ExpireIdle(long now)
    {
        while (_recency.Last is { } oldest && _time.GetElapsedTime(oldest.Value.LastSeen, now) > _options.IdleTimeout)
        {
            Forget(oldest.Value);
        }
    }

    private void Forget(TraceState state)
    {
        _recency.Remove(state.Node!);
        _traces.Remove(state.TraceId);
    }
}
