using System.Text;
using Enrichers.Json;

namespace Enrichers.Tracing;

/// <summary>Gives each record one <c>trace_id</c> (from the first present of <c>trace_id</c>, <c>traceId</c>,
/// <c>trace.id</c>, W3C <c>traceparent</c>, B3 <c>x-b3-traceid</c> or single <c>b3</c>, the headers also under
/// <c>request.headers</c>) and links the records of a trace: <c>trace_seq</c>, <c>trace_elapsed_ms</c>,
/// <c>trace_root_service</c>. Made per session (one Kafka partition), so it is not thread-safe; its state
/// is bounded by count (least recently seen trace goes first) and idle time.</summary>
public sealed class TraceLinkingEnricher : ISessionEnricher
{
    /// <summary>Longer producer IDs are not used for linking: they are not IDs, and would bloat the state.</summary>
    internal const int MaxIdLength = 256;

    private const string Traceparent = FieldNames.Traceparent;
    private const string B3TraceId = FieldNames.B3TraceId;
    private const string B3SpanId = FieldNames.B3SpanId;
    private const string B3Single = FieldNames.B3Single;

    private readonly TraceLinkingOptions _options;
    private readonly EnrichmentStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly HashSet<TraceState> _traces = new(TraceIdComparer.Instance);
    private readonly HashSet<TraceState>.AlternateLookup<ReadOnlySpan<byte>> _tracesById;

    // Service names repeat endlessly; the root service of each new trace reuses one string per name.
    private readonly Dictionary<string, string> _serviceNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _serviceNamesBySpan;

    // Recency list threaded through the states (no node objects): most recently seen at the head, so the
    // idle and the least recently used traces sit at the tail.
    private TraceState? _head;
    private TraceState? _tail;

    // Reading the system clock per record was a large share of the whole chain (a syscall in some sandboxes;
    // figures: docs/enrichment.md). Records a
    // few dozen apart are microseconds apart, far below the minutes-scale idle timeout, so the system clock
    // is read every 32 linked records; any other TimeProvider (tests, FakeTimeProvider) on every record.
    private readonly int _clockSampleInterval;

    // Scratch for the ID text: a stackalloc of this size is zeroed on every call, which showed up as a
    // memset on every record; the enricher is per session, so plain arrays do.
    private readonly char[] _text = new char[MaxIdLength];
    private readonly char[] _id = new char[MaxIdLength];
    private readonly char[] _normalized = new char[MaxIdLength];
    private readonly byte[] _idUtf8 = new byte[MaxIdLength * 3];
    private int _sinceClockRead;
    private long _now;

    private readonly TraceBudget _budget;

    public TraceLinkingEnricher(TraceLinkingOptions options, EnrichmentStatistics statistics, TimeProvider time)
        : this(options, statistics, time, null)
    {
    }

    /// <param name="budget">Shared by the sessions of one chain; null gives this enricher a budget of its own.</param>
    internal TraceLinkingEnricher(TraceLinkingOptions options, EnrichmentStatistics statistics, TimeProvider time, TraceBudget? budget)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _statistics = statistics;
        _time = time;
        _budget = budget ?? new TraceBudget(options.MaxTraces);
        _tracesById = _traces.GetAlternateLookup<ReadOnlySpan<byte>>();
        _serviceNamesBySpan = _serviceNames.GetAlternateLookup<ReadOnlySpan<char>>();
        _clockSampleInterval = ReferenceEquals(time, TimeProvider.System) ? 32 : 1;
        _sinceClockRead = _clockSampleInterval;
    }

    public string Name => "trace";

    /// <summary>Traces currently remembered.</summary>
    internal int ActiveTraces => _traces.Count;

    private enum Source
    {
        None,
        TraceId,
        Other,
    }

    public void Enrich(LogRecord record)
    {
        var root = record.Root;
        var f = Scan(root);
        Span<char> text = _text;
        Span<char> id = _id;
        Span<char> span = stackalloc char[16];
        var idLength = 0;
        var hasSpan = false;
        var source = Source.None;
        var ownChanged = false;

        var own = Value(root, f.TraceId);
        if (own is not null && !own.IsEmpty)
        {
            // trace_id holding an object, an array or a boolean is producer data we must not overwrite.
            if (!TryText(own, text, out var t) || !TryNormalize(t, id, out idLength))
            {
                return;
            }

            source = Source.TraceId;
            ownChanged = own is not LogString || !t.SequenceEqual(id[..idLength]);
        }
        else
        {
            var headers = Headers(root, f);
            if ((TryText(Value(root, f.TraceIdCamel), text, out var t) && TryNormalize(t, id, out idLength))
                || (TryText(TraceDotId(root, f), text, out t) && TryNormalize(t, id, out idLength)))
            {
                source = Source.Other;
            }
            else if ((TryText(Value(root, f.Traceparent), text, out t) && TraceIds.TryParseTraceparent(t, id, span))
                     || (TryText(HeaderValue(headers, Traceparent), text, out t) && TraceIds.TryParseTraceparent(t, id, span)))
            {
                (source, idLength, hasSpan) = (Source.Other, 32, true);
            }
            else if (TryB3(Value(root, f.B3TraceId), Value(root, f.B3SpanId), text, id, span, out idLength, out hasSpan)
                     || TryB3(HeaderValue(headers, B3TraceId), HeaderValue(headers, B3SpanId), text, id, span, out idLength, out hasSpan))
            {
                source = Source.Other;
            }
            else if ((TryText(Value(root, f.B3Single), text, out t) && TraceIds.TryParseB3Single(t, id, out idLength, span))
                     || (TryText(HeaderValue(headers, B3Single), text, out t) && TraceIds.TryParseB3Single(t, id, out idLength, span)))
            {
                (source, hasSpan) = (Source.Other, true);
            }
        }

        if (record.TraceHeaders is { } carried)
        {
            // The body wins; the headers count either way, and a malformed one is ignored.
            Span<char> carriedId = stackalloc char[32];
            Span<char> carriedSpan = stackalloc char[16];
            var resolved = carried.TryResolve(carriedId, out var carriedLength, carriedSpan, out var carriedHasSpan, out var malformed);
            if (malformed > 0)
            {
                _statistics.TraceHeaders.Increment("malformed", malformed);
            }

            if (resolved && source == Source.None)
            {
                carriedId[..carriedLength].CopyTo(id);
                carriedSpan.CopyTo(span);
                (source, idLength, hasSpan) = (Source.Other, carriedLength, carriedHasSpan);
                _statistics.TraceHeaders.Increment("used");
            }
            else if (resolved)
            {
                _statistics.TraceHeaders.Increment("body");
            }
        }

        if (source == Source.None)
        {
            return;
        }

        var traceId = id[..idLength];
        var idUtf8 = _idUtf8.AsSpan(0, Encoding.UTF8.GetBytes(traceId, _idUtf8));
        var state = Link(record, f, idUtf8, out var elapsedMs);
        var spanId = hasSpan && f.SpanId < 0 ? new string(span) : null;

        // Aliases holding the same ID go; the first of them makes room for trace_id when the record has none
        // (the new field takes the alias's place, and nothing has to shift).
        Span<int> removeAt = stackalloc int[5];
        var removals = FindCopiedAliases(root, f, traceId, text, span, removeAt, _normalized);
        removeAt[..removals].Sort();
        var place = 0;
        if (source != Source.TraceId || ownChanged)
        {
            if (f.TraceId < 0 && removals > 0)
            {
                root.ReplaceAt(removeAt[0], FieldNames.TraceId, TraceIdNode(record, state, idUtf8));
                place = 1;
            }
            else
            {
                SetOrAppend(root, f.TraceId, FieldNames.TraceId, TraceIdNode(record, state, idUtf8));
            }
        }

        if (spanId is not null)
        {
            root.Append(FieldNames.SpanId, record.NewString(spanId));
        }

        SetOrAppend(root, f.TraceSeq, FieldNames.TraceSeq, record.NewNumber(state.Seq));
        SetOrAppend(root, f.TraceElapsedMs, FieldNames.TraceElapsedMs, record.NewNumber(elapsedMs));
        if (state.RootService is not null)
        {
            SetOrAppend(root, f.TraceRootService, FieldNames.TraceRootService, record.NewString(state.RootService));
        }

        // Last, because removing top-level properties shifts the indices found by the scan.
        for (var i = removals - 1; i >= place; i--)
        {
            root.RemoveAt(removeAt[i]);
        }

        _statistics.TraceLinked();
    }

    public void Dispose()
    {
        _budget.Give(_traces.Count);
        _traces.Clear();
        _head = _tail = null;
        _serviceNames.Clear();
    }

    private static TraceFields Scan(LogObject root)
    {
        var f = TraceFields.None;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var p = properties[i];
            switch (p.NameLength)
            {
                case 2 when p.NameEqualsIgnoreAsciiCase(B3Single):
                    f.B3Single = First(f.B3Single, i);
                    break;
                case 5 when p.NameEquals(FieldNames.Trace):
                    f.Trace = First(f.Trace, i);
                    break;
                case 7 when p.NameEquals(FieldNames.TraceIdCamel):
                    f.TraceIdCamel = First(f.TraceIdCamel, i);
                    break;
                case 7 when p.NameEquals(FieldNames.SpanId):
                    f.SpanId = First(f.SpanId, i);
                    break;
                case 7 when p.NameEquals(FieldNames.Request):
                    f.Request = First(f.Request, i);
                    break;
                case 8 when p.NameEquals(FieldNames.TraceId):
                    f.TraceId = First(f.TraceId, i);
                    break;
                case 8 when p.NameEquals(FieldNames.TraceDotId):
                    f.TraceDotId = First(f.TraceDotId, i);
                    break;
                case 9 when p.NameEquals(FieldNames.TraceSeq):
                    f.TraceSeq = First(f.TraceSeq, i);
                    break;
                case 10 when p.NameEquals(FieldNames.Timestamp):
                    f.Timestamp = First(f.Timestamp, i);
                    break;
                case 11 when p.NameEqualsIgnoreAsciiCase(Traceparent):
                    f.Traceparent = First(f.Traceparent, i);
                    break;
                case 11 when p.NameEqualsIgnoreAsciiCase(B3SpanId):
                    f.B3SpanId = First(f.B3SpanId, i);
                    break;
                case 12 when p.NameEquals(FieldNames.ServiceName):
                    f.ServiceName = First(f.ServiceName, i);
                    break;
                case 12 when p.NameEqualsIgnoreAsciiCase(B3TraceId):
                    f.B3TraceId = First(f.B3TraceId, i);
                    break;
                case 15 when p.NameEquals(FieldNames.RequestHeaders):
                    f.RequestHeaders = First(f.RequestHeaders, i);
                    break;
                case 16 when p.NameEquals(FieldNames.TraceElapsedMs):
                    f.TraceElapsedMs = First(f.TraceElapsedMs, i);
                    break;
                case 18 when p.NameEquals(FieldNames.TraceRootService):
                    f.TraceRootService = First(f.TraceRootService, i);
                    break;
            }
        }

        return f;
    }

    private static int First(int found, int i) => found >= 0 ? found : i;

    private static LogNode? Value(LogObject root, int index) => index < 0 ? null : root[index].Value;

    private static LogNode? TraceDotId(LogObject root, in TraceFields f) =>
        Value(root, f.TraceDotId) ?? (Value(root, f.Trace) as LogObject)?.Get(FieldNames.NestedId);

    private static LogObject? Headers(LogObject root, in TraceFields f) =>
        Value(root, f.RequestHeaders) as LogObject ?? (Value(root, f.Request) is LogObject request ? LogPath.Find(request, FieldNames.Headers) as LogObject : null);

    /// <summary>The text of a string, or of a number (some producers send numeric IDs), as chars. Raw
    /// input strings are decoded into <paramref name="buffer"/> without allocating.</summary>
    private static bool TryText(LogNode? node, Span<char> buffer, out ReadOnlySpan<char> text)
    {
        switch (node)
        {
            case LogString { IsRaw: true, RawHasEscapes: false } s when s.RawUtf8.Length is > 0 and <= MaxIdLength:
                text = buffer[..Encoding.UTF8.GetChars(s.RawUtf8, buffer)];
                return true;
            case LogString s when !s.IsEmpty:
                text = s.Value;
                return true;
            case LogLiteral { Kind: LogNodeKind.Number } n when n.RawUtf8.Length <= MaxIdLength:
                text = buffer[..Encoding.UTF8.GetChars(n.RawUtf8, buffer)];
                return true;
            default:
                text = default;
                return false;
        }
    }

    private static bool TryNormalize(ReadOnlySpan<char> producerId, Span<char> id, out int length)
    {
        if (producerId.Length > MaxIdLength)
        {
            length = 0;
            return false;
        }

        var normalized = TraceIds.NormalizeProducerId(producerId, id);
        if (!normalized.Overlaps(id))
        {
            normalized.CopyTo(id);
        }

        length = normalized.Length;
        return true;
    }

    private static bool TryB3(LogNode? traceNode, LogNode? spanNode, Span<char> text, Span<char> id, Span<char> span, out int idLength, out bool hasSpan)
    {
        hasSpan = false;
        if (!TryText(traceNode, text, out var t) || !TraceIds.TryParseB3TraceId(t, id, out idLength))
        {
            idLength = 0;
            return false;
        }

        hasSpan = TryText(spanNode, text, out var s) && TraceIds.TryParseSpanId(s, span);
        return true;
    }

    // HTTP header names are case-insensitive, and loggers keep whatever case the client sent (also when
    // they copy a header to the top level).
    private static LogNode? HeaderValue(LogObject? headers, string name)
    {
        var i = HeaderIndex(headers, name);
        return i < 0 ? null : headers![i].Value;
    }

    private static int HeaderIndex(LogObject? headers, string name)
    {
        if (headers is null)
        {
            return -1;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            if (headers[i].NameEqualsIgnoreAsciiCase(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The trace ID as a string node: its UTF-8 bytes copied to the record (no string made), unless they
    /// need JSON escaping (a producer's own ID may hold any character).</summary>
    private static LogString TraceIdNode(LogRecord record, TraceState state, ReadOnlySpan<byte> id) =>
        state.IdIsJsonSafe ? record.NewUtf8String(id) : record.NewString(Encoding.UTF8.GetString(id));

    private static void SetOrAppend(LogObject root, int index, string name, LogNode value)
    {
        if (index >= 0)
        {
            root[index].Value = value;
        }
        else
        {
            root.Append(name, value);
        }
    }

    /// <summary>Finds the other trace-ID fields that hold the same ID, so the concept keeps one field: nested
    /// ones are removed here, top-level ones are returned in <paramref name="removeAt"/> (the caller removes
    /// them). A field that holds a different ID is producer data that disagrees: it is kept.
    /// <c>traceparent</c> always stays as received.</summary>
    private static int FindCopiedAliases(LogObject root, in TraceFields f, ReadOnlySpan<char> traceId, Span<char> text, Span<char> scratch, Span<int> removeAt, Span<char> normalized)
    {
        var removals = 0;

        if (SameProducerId(Value(root, f.TraceIdCamel), traceId, text, normalized))
        {
            removeAt[removals++] = f.TraceIdCamel;
        }

        if (SameProducerId(Value(root, f.TraceDotId), traceId, text, normalized))
        {
            removeAt[removals++] = f.TraceDotId;
        }
        else if (Value(root, f.Trace) is LogObject trace && SameProducerId(trace.Get(FieldNames.NestedId), traceId, text, normalized))
        {
            trace.Remove(FieldNames.NestedId);
            if (trace.Count == 0)
            {
                removeAt[removals++] = f.Trace;
            }
        }

        if (SameB3(Value(root, f.B3TraceId), single: false, traceId, text, normalized, scratch))
        {
            removeAt[removals++] = f.B3TraceId;
        }

        if (SameB3(Value(root, f.B3Single), single: true, traceId, text, normalized, scratch))
        {
            removeAt[removals++] = f.B3Single;
        }

        if (Headers(root, f) is { } headers)
        {
            var removed = RemoveHeader(headers, B3TraceId, single: false, traceId, text, normalized, scratch)
                | RemoveHeader(headers, B3Single, single: true, traceId, text, normalized, scratch);
            if (removed && headers.Count == 0)
            {
                if (f.RequestHeaders >= 0)
                {
                    removeAt[removals++] = f.RequestHeaders;
                }
                else if (Value(root, f.Request) is LogObject request)
                {
                    LogPath.Remove(request, FieldNames.Headers);
                    if (request.Count == 0)
                    {
                        removeAt[removals++] = f.Request;
                    }
                }
            }
        }

        return removals;
    }

    private static bool SameProducerId(LogNode? node, ReadOnlySpan<char> traceId, Span<char> text, Span<char> normalized) =>
        TryText(node, text, out var t) && TryNormalize(t, normalized, out var n) && normalized[..n].SequenceEqual(traceId);

    private static bool SameB3(LogNode? node, bool single, ReadOnlySpan<char> traceId, Span<char> text, Span<char> normalized, Span<char> scratch)
    {
        if (!TryText(node, text, out var t))
        {
            return false;
        }

        int n;
        var ok = single ? TraceIds.TryParseB3Single(t, normalized, out n, scratch) : TraceIds.TryParseB3TraceId(t, normalized, out n);
        return ok && normalized[..n].SequenceEqual(traceId);
    }

    private static bool RemoveHeader(LogObject headers, string name, bool single, ReadOnlySpan<char> traceId, Span<char> text, Span<char> normalized, Span<char> scratch)
    {
        var i = HeaderIndex(headers, name);
        if (i < 0 || !SameB3(headers[i].Value, single, traceId, text, normalized, scratch))
        {
            return false;
        }

        headers.RemoveAt(i);
        return true;
    }

    /// <param name="elapsedMs">This record's time since the trace's earliest record.</param>
    /// <param name="id">The trace ID as UTF-8 (the state's key).</param>
    private TraceState Link(LogRecord record, in TraceFields f, ReadOnlySpan<byte> id, out long elapsedMs)
    {
        var root = record.Root;
        if (++_sinceClockRead >= _clockSampleInterval)
        {
            _sinceClockRead = 0;
            _now = _time.GetTimestamp();
            ExpireIdle(_now);
        }

        var now = _now;

        // The session already parsed @timestamp (RecordTimestamp) for nearly every record.
        var timestampNode = Value(root, f.Timestamp);
        var timestamp = record.TryGetRememberedTimestamp(timestampNode, out var ms) || IsoTimestamp.TryGetUnixMilliseconds(timestampNode, out ms)
            ? ms
            : _time.GetUtcNow().ToUnixTimeMilliseconds();

        if (_tracesById.TryGetValue(id, out var state))
        {
            Unlink(state);
            AddFirst(state);
            if (timestamp < state.EarliestMs)
            {
                state.EarliestMs = timestamp;
                state.RootService = ServiceName(Value(root, f.ServiceName));
            }
        }
        else
        {
            TraceState? forgotten = null;
            if (!_budget.TryTake())
            {
                // Room comes from this stream's own least recently seen trace, whose state then holds the new one;
                // with none, one trace is allowed over.
                if (_tail is not null)
                {
                    forgotten = _tail;
                    Forget(forgotten);
                }

                _budget.Take();
            }

            if (forgotten is null)
            {
                state = new TraceState(id);
            }
            else
            {
                forgotten.Reuse(id);
                state = forgotten;
            }

            state.EarliestMs = timestamp;
            state.RootService = ServiceName(Value(root, f.ServiceName));
            AddFirst(state);
            _traces.Add(state);
        }

        state.Seq++;
        state.LastSeen = now;
        elapsedMs = timestamp - state.EarliestMs;
        return state;
    }

    private void ExpireIdle(long now)
    {
        while (_tail is { } oldest && _time.GetElapsedTime(oldest.LastSeen, now) > _options.IdleTimeout)
        {
            Forget(oldest);
        }
    }

    private void Forget(TraceState state)
    {
        Unlink(state);
        _traces.Remove(state);
        _budget.Give();
    }

    private void AddFirst(TraceState state)
    {
        state.Previous = null;
        state.Next = _head;
        if (_head is not null)
        {
            _head.Previous = state;
        }

        _head = state;
        _tail ??= state;
    }

    private void Unlink(TraceState state)
    {
        if (state.Previous is null)
        {
            _head = state.Next;
        }
        else
        {
            state.Previous.Next = state.Next;
        }

        if (state.Next is null)
        {
            _tail = state.Previous;
        }
        else
        {
            state.Next.Previous = state.Previous;
        }

        state.Previous = state.Next = null;
    }

    private string? ServiceName(LogNode? node)
    {
        if (node is not LogString s)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[64];
        if (!s.IsRaw || s.RawHasEscapes || s.RawUtf8.Length > buffer.Length)
        {
            return s.Value;
        }

        var name = buffer[..Encoding.UTF8.GetChars(s.RawUtf8, buffer)];
        if (_serviceNamesBySpan.TryGetValue(name, out var known))
        {
            return known;
        }

        var value = name.ToString();
        if (_serviceNames.Count < 1024)
        {
            _serviceNames.Add(value, value);
        }

        return value;
    }
}
