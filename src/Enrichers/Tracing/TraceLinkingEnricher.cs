using System.Buffers;
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

    // The names written, as constant bytes (see LogName): masking's names cache and the output read them without
    // converting a string at every record.
    private static readonly LogName TraceIdName = new(FieldNames.TraceId);
    private static readonly LogName SpanIdName = new(FieldNames.SpanId);
    private static readonly LogName TraceSeqName = new(FieldNames.TraceSeq);
    private static readonly LogName TraceElapsedMsName = new(FieldNames.TraceElapsedMs);
    private static readonly LogName TraceRootServiceName = new(FieldNames.TraceRootService);

    // Bytes a trace ID must not hold to be written as it is between JSON quotes.
    private static readonly SearchValues<byte> JsonUnsafe = JsonOutput.MustEscapeUtf8;

    private readonly TraceLinkingOptions _options;
    private readonly EnrichmentStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly TraceTable _traces = new();

    private readonly SharedRootServices _rootServices = new();

    // Reading the system clock per record was a large share of the whole chain (a syscall in some sandboxes;
    // figures: docs/enrichment.md). Records a
    // few dozen apart are microseconds apart, far below the minutes-scale idle timeout, so the system clock
    // is read every 32 linked records; any other TimeProvider (tests, FakeTimeProvider) on every record.
    private readonly int _clockSampleInterval;

    // Scratch: a stackalloc of the ID's size is zeroed on every call, which showed up as a memset on every record, and
    // a method with a loop and a stackalloc cannot be replaced on the stack, so the runtime compiles it optimized at
    // once, without the instrumented tier that profile-guided optimization needs. The enricher is per session, so
    // plain arrays do.
    private readonly char[] _text = new char[MaxIdLength];
    private readonly char[] _id = new char[MaxIdLength];
    private readonly char[] _normalized = new char[MaxIdLength];
    private readonly byte[] _idUtf8 = new byte[MaxIdLength * 3];
    private readonly char[] _span = new char[16];
    private readonly byte[] _spanUtf8 = new byte[16];
    private readonly char[] _carriedId = new char[32];
    private readonly char[] _carriedSpan = new char[16];
    private readonly int[] _removeAt = new int[5];
    private readonly byte[] _names = new byte[TraceFields.ScratchLength];
    private int _sinceClockRead;
    private long _now;

    // What Prepare found for the record the session is about to enrich: a W3C-form trace_id's bytes and its key.
    private readonly byte[] _preparedId = new byte[TraceKey.InlineLength * 2];
    private bool _prepared;
    private ulong _preparedLow;
    private ulong _preparedHigh;
    private int _preparedHash;

    // True once the session prepares records: the oldest trace's index place is then fetched by Prepare (before
    // normalization), and Link only asks for its slot.
    private bool _prepares;

    // True when the last new trace took the place of the least recently seen one (the budget is spent): the next
    // new trace will most likely do the same.
    private bool _evicting;

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
        _clockSampleInterval = ReferenceEquals(time, TimeProvider.System) ? 32 : 1;
        _sinceClockRead = _clockSampleInterval;
    }

    public string Name => "trace";

    /// <summary>Traces currently remembered.</summary>
    internal int ActiveTraces => _traces.Count;

    /// <summary>Where the record's trace ID came from. The alias check trusts the field that gave it (it holds the ID,
    /// by construction) and compares only the others.</summary>
    private enum Source
    {
        None,
        TraceId,
        TraceIdCamel,
        TraceDotId,
        Traceparent,
        B3TraceId,
        HeaderB3TraceId,
        B3Single,
        HeaderB3Single,
        KafkaHeaders,
    }

    public void Enrich(LogRecord record)
    {
        // Taken first, whatever happens below, so that it never serves another record.
        var prepared = _prepared;
        _prepared = false;
        var root = record.Root;
        var f = TraceFields.Find(root, _names);
        Span<char> text = _text;
        Span<char> id = _id;
        Span<char> span = _span;
        var idLength = 0;
        ReadOnlySpan<byte> idUtf8 = default;
        var hasSpan = false;
        var source = Source.None;
        var ownChanged = false;

        TraceKey key = default;
        var own = Value(root, f.TraceId);
        if (own is LogString { IsRaw: true, RawHasEscapes: false } raw && raw.RawUtf8.Length is > 0 and <= MaxIdLength)
        {
            // The usual case (a producer's own ID as plain text) is read as UTF-8, without decoding it to chars and
            // encoding it back. W3C's form (32 lowercase hex) is kept as sent, so it is packed into its key at once
            // (or was, by Prepare) rather than checked for normalizing first and then again for packing.
            idUtf8 = raw.RawUtf8;
            if (prepared && idUtf8.SequenceEqual(_preparedId))
            {
                key = TraceKey.Packed(_preparedLow, _preparedHigh, _preparedHash);
            }
            else if (!TraceKey.TryPacked(idUtf8, out key))
            {
                idUtf8 = TraceIds.NormalizeProducerId(idUtf8, _idUtf8, out ownChanged);
            }

            source = Source.TraceId;
        }
        else if (own is not null && !own.IsEmpty)
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
            if (TryText(Value(root, f.TraceIdCamel), text, out var t) && TryNormalize(t, id, out idLength))
            {
                source = Source.TraceIdCamel;
            }
            else if (TryText(TraceDotId(root, f), text, out t) && TryNormalize(t, id, out idLength))
            {
                source = Source.TraceDotId;
            }
            else if ((TryText(Value(root, f.Traceparent), text, out t) && TraceIds.TryParseTraceparent(t, id, span))
                     || (TryText(HeaderValue(headers, Traceparent), text, out t) && TraceIds.TryParseTraceparent(t, id, span)))
            {
                (source, idLength, hasSpan) = (Source.Traceparent, 32, true);
            }
            else if (TryB3(Value(root, f.B3TraceId), Value(root, f.B3SpanId), text, id, span, out idLength, out hasSpan))
            {
                source = Source.B3TraceId;
            }
            else if (TryB3(HeaderValue(headers, B3TraceId), HeaderValue(headers, B3SpanId), text, id, span, out idLength, out hasSpan))
            {
                source = Source.HeaderB3TraceId;
            }
            else if (TryText(Value(root, f.B3Single), text, out t) && TraceIds.TryParseB3Single(t, id, out idLength, span))
            {
                (source, hasSpan) = (Source.B3Single, true);
            }
            else if (TryText(HeaderValue(headers, B3Single), text, out t) && TraceIds.TryParseB3Single(t, id, out idLength, span))
            {
                (source, hasSpan) = (Source.HeaderB3Single, true);
            }
        }

        if (record.TraceHeaders is { } carried)
        {
            // The body wins; the headers count either way, and a malformed one is ignored.
            Span<char> carriedId = _carriedId;
            Span<char> carriedSpan = _carriedSpan;
            var resolved = carried.TryResolve(carriedId, out var carriedLength, carriedSpan, out var carriedHasSpan, out var malformed);
            if (malformed > 0)
            {
                _statistics.TraceHeaders.Increment("malformed", malformed);
            }

            if (resolved && source == Source.None)
            {
                carriedId[..carriedLength].CopyTo(id);
                carriedSpan.CopyTo(span);
                (source, idLength, hasSpan) = (Source.KafkaHeaders, carriedLength, carriedHasSpan);
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

        if (idUtf8.IsEmpty)
        {
            idUtf8 = _idUtf8.AsSpan(0, Encoding.UTF8.GetBytes(id[..idLength], _idUtf8));
        }

        if (key.Shape == 0)
        {
            key = new TraceKey(idUtf8);
        }

        var slot = Link(record, f, key, out var elapsedMs);

        // Span IDs are lowercase hex: written as UTF-8, no string made. Taken before the alias check, which uses
        // the span buffer as scratch.
        Span<byte> spanUtf8 = _spanUtf8;
        var writeSpan = hasSpan && f.SpanId < 0;
        if (writeSpan)
        {
            Ascii.FromUtf16(span, spanUtf8, out _);
        }

        // Aliases holding the same ID go; the first of them makes room for trace_id when the record has none
        // (the new field takes the alias's place, and nothing has to shift).
        Span<int> removeAt = _removeAt;
        var removals = 0;
        if (f.HasAliases)
        {
            var traceId = idLength > 0 ? id[..idLength] : id[..Encoding.UTF8.GetChars(idUtf8, id)];
            removals = FindCopiedAliases(root, f, source, traceId, text, span, removeAt, _normalized);
            removeAt[..removals].Sort();
        }

        var place = 0;
        if (source != Source.TraceId || ownChanged)
        {
            if (f.TraceId < 0 && removals > 0)
            {
                root.ReplaceAt(removeAt[0], TraceIdName, TraceIdNode(record, idUtf8));
                place = 1;
            }
            else
            {
                SetOrAppend(root, f.TraceId, TraceIdName, TraceIdNode(record, idUtf8));
            }
        }

        if (writeSpan)
        {
            root.Append(SpanIdName, record.NewUtf8String(spanUtf8));
        }

        ref var state = ref _traces[slot];
        SetOrAppend(root, f.TraceSeq, TraceSeqName, record.NewNumber(state.Seq));
        SetOrAppend(root, f.TraceElapsedMs, TraceElapsedMsName, record.NewNumber(elapsedMs));
        if (state.RootService is { } rootService)
        {
            SetOrAppend(root, f.TraceRootService, TraceRootServiceName, rootService.ToNode(record));
        }

        // Last, because removing top-level properties shifts the indices found by the scan.
        for (var i = removals - 1; i >= place; i--)
        {
            root.RemoveAt(removeAt[i]);
        }

        _statistics.TraceLinked();
    }

    /// <summary>Called by the session on a record as soon as it is parsed, before the normalization stage: when the
    /// record has a top-level <c>trace_id</c> in W3C's form, asks the processor for the index place its lookup will
    /// read, and keeps the ID's key for <see cref="Enrich"/>; at the trace budget, also for the index place of the
    /// oldest trace, which a new trace takes out. The index is then megabytes read at random places, which missed the
    /// caches when they were read right after the prefetch; fetched here, the reads overlap the stages before trace
    /// linking. <see cref="Enrich"/> uses the key only for the same ID bytes (normalization may have changed or
    /// replaced the field), so the output cannot differ.</summary>
    internal void Prepare(LogRecord record)
    {
        _prepares = true;
        if (_evicting)
        {
            // Its hash sits beside the hashes of the traces removed before it, in a line already at hand.
            _traces.PrefetchOldest();
        }

        var root = record.Root;
        var i = root.IndexOf(TraceIdName);
        if (i >= 0
            && root[i].Value is LogString { IsRaw: true, RawHasEscapes: false } raw
            && TraceKey.TryPacked(raw.RawUtf8, out var key))
        {
            _traces.Prefetch(key);
            raw.RawUtf8.CopyTo(_preparedId);
            (_preparedLow, _preparedHigh, _preparedHash) = (key.Low, key.High, key.Hash);
            _prepared = true;
        }
        else
        {
            _prepared = false;
        }
    }

    public void Dispose()
    {
        _budget.Give(_traces.Count);
        _traces.Clear();
        _rootServices.Clear();
    }

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
    private static LogString TraceIdNode(LogRecord record, ReadOnlySpan<byte> id) =>
        id.ContainsAny(JsonUnsafe) ? record.NewString(Encoding.UTF8.GetString(id)) : record.NewUtf8String(id);

    private static void SetOrAppend(LogObject root, int index, LogName name, LogNode value)
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
    private static int FindCopiedAliases(LogObject root, in TraceFields f, Source source, ReadOnlySpan<char> traceId, Span<char> text, Span<char> scratch, Span<int> removeAt, Span<char> normalized)
    {
        var removals = 0;

        if (source == Source.TraceIdCamel || SameProducerId(Value(root, f.TraceIdCamel), traceId, text, normalized))
        {
            removeAt[removals++] = f.TraceIdCamel;
        }

        // The ID came from trace.id: from the dotted key when there is one, else from the nested field.
        var dotted = Value(root, f.TraceDotId);
        if ((source == Source.TraceDotId && dotted is not null) || SameProducerId(dotted, traceId, text, normalized))
        {
            removeAt[removals++] = f.TraceDotId;
        }
        else if (Value(root, f.Trace) is LogObject trace
                 && (source == Source.TraceDotId || SameProducerId(trace.Get(FieldNames.NestedId), traceId, text, normalized)))
        {
            trace.Remove(FieldNames.NestedId);
            if (trace.Count == 0)
            {
                removeAt[removals++] = f.Trace;
            }
        }

        if (source == Source.B3TraceId || SameB3(Value(root, f.B3TraceId), single: false, traceId, text, normalized, scratch))
        {
            removeAt[removals++] = f.B3TraceId;
        }

        if (source == Source.B3Single || SameB3(Value(root, f.B3Single), single: true, traceId, text, normalized, scratch))
        {
            removeAt[removals++] = f.B3Single;
        }

        if (Headers(root, f) is { } headers)
        {
            var removed = RemoveHeader(headers, B3TraceId, source == Source.HeaderB3TraceId, single: false, traceId, text, normalized, scratch)
                | RemoveHeader(headers, B3Single, source == Source.HeaderB3Single, single: true, traceId, text, normalized, scratch);
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

    /// <param name="gaveId">True when this header gave the ID (it is the first of its name, so it is the one found).</param>
    private static bool RemoveHeader(LogObject headers, string name, bool gaveId, bool single, ReadOnlySpan<char> traceId, Span<char> text, Span<char> normalized, Span<char> scratch)
    {
        var i = HeaderIndex(headers, name);
        if (i < 0 || !(gaveId || SameB3(headers[i].Value, single, traceId, text, normalized, scratch)))
        {
            return false;
        }

        headers.RemoveAt(i);
        return true;
    }

    /// <param name="elapsedMs">This record's time since the trace's earliest record.</param>
    /// <returns>The trace's slot in <see cref="_traces"/>.</returns>
    private int Link(LogRecord record, in TraceFields f, in TraceKey key, out long elapsedMs)
    {
        var root = record.Root;
        _traces.Prefetch(key);
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

        var slot = _traces.Find(key);
        if (slot != TraceTable.None)
        {
            _traces.MoveToFront(slot);
            ref var seen = ref _traces[slot];
            if (timestamp < seen.EarliestMs)
            {
                seen.EarliestMs = timestamp;
                seen.RootService = RootServiceOf(Value(root, f.ServiceName));
            }
        }
        else
        {
            _evicting = false;
            if (_budget.TryTake())
            {
                slot = _traces.Add(key);
            }
            else if (_traces.Oldest != TraceTable.None)
            {
                // Room comes from this stream's own least recently seen trace, whose slot (and share of the budget)
                // then holds the new one.
                slot = _traces.Oldest;
                _traces.Replace(slot, key);
                _evicting = true;
                if (_prepares)
                {
                    // Prepare fetches its index place at the next record, before normalization; its slot, which the
                    // next new trace takes over, is fetched now.
                    _traces.PrefetchOldestSlot();
                }
                else
                {
                    _traces.PrefetchOldest();
                }
            }
            else
            {
                // With none, one trace is allowed over.
                _budget.Take();
                slot = _traces.Add(key);
            }

            ref var added = ref _traces[slot];
            added.EarliestMs = timestamp;
            added.RootService = RootServiceOf(Value(root, f.ServiceName));
        }

        ref var state = ref _traces[slot];
        if (state.Seq < int.MaxValue)
        {
            state.Seq++;
        }

        state.LastSeen = now;
        elapsedMs = timestamp - state.EarliestMs;
        return slot;
    }

    private void ExpireIdle(long now)
    {
        while (_traces.Oldest is var oldest and not TraceTable.None
               && _time.GetElapsedTime(_traces[oldest].LastSeen, now) > _options.IdleTimeout)
        {
            _traces.Remove(oldest);
            _budget.Give();
        }
    }

    private RootService? RootServiceOf(LogNode? node)
    {
        if (node is not LogString s)
        {
            return null;
        }

        if (!s.IsRaw || s.RawHasEscapes)
        {
            return new RootService(s.Value);
        }

        return _rootServices.Of(s.RawUtf8);
    }
}
