using System.Text;
using Enrichers.Json;

namespace Enrichers.Tracing;

/// <summary>Where the fields trace linking reads and writes sit among a record's top-level properties
/// (index, or -1), found in one pass so that no field is looked up twice.</summary>
internal struct TraceFields
{
    // Matched exactly.
    private static readonly string[] FieldNamesRead =
    [
        FieldNames.Trace, FieldNames.TraceIdCamel, FieldNames.SpanId, FieldNames.Request, FieldNames.TraceId, FieldNames.TraceDotId,
        FieldNames.TraceSeq, FieldNames.Timestamp, FieldNames.ServiceName, FieldNames.RequestHeaders, FieldNames.TraceElapsedMs,
        FieldNames.TraceRootService,
    ];

    // HTTP header names, matched ignoring ASCII case (loggers keep whatever case the client sent, also when they
    // copy a header to the top level).
    private static readonly string[] HeaderNames = [FieldNames.B3Single, FieldNames.Traceparent, FieldNames.B3SpanId, FieldNames.B3TraceId];

    private static readonly int LongestName = FieldNamesRead.Concat(HeaderNames).Max(n => n.Length);

    // For each name length, the first bytes a field's name of that length starts with (ASCII, two 64-bit halves):
    // most names of a record (message, level, the producer's own ids) are ruled out by the two before any compare.
    private static readonly ulong[] FirstBytesByLength = FirstBytesOf(
        FieldNamesRead.Select(n => (n.Length, n[0]))
            .Concat(HeaderNames.SelectMany(n => new[] { (n.Length, char.ToLowerInvariant(n[0])), (n.Length, char.ToUpperInvariant(n[0])) })));

    // Names compared as UTF-8 bytes (the input's own), not against the strings: byte for byte, no widening.
    private static readonly byte[] TraceUtf8 = Utf8(FieldNames.Trace);
    private static readonly byte[] TraceIdCamelUtf8 = Utf8(FieldNames.TraceIdCamel);
    private static readonly byte[] SpanIdUtf8 = Utf8(FieldNames.SpanId);
    private static readonly byte[] RequestUtf8 = Utf8(FieldNames.Request);
    private static readonly byte[] TraceIdUtf8 = Utf8(FieldNames.TraceId);
    private static readonly byte[] TraceDotIdUtf8 = Utf8(FieldNames.TraceDotId);
    private static readonly byte[] TraceSeqUtf8 = Utf8(FieldNames.TraceSeq);
    private static readonly byte[] TimestampUtf8 = Utf8(FieldNames.Timestamp);
    private static readonly byte[] ServiceNameUtf8 = Utf8(FieldNames.ServiceName);
    private static readonly byte[] RequestHeadersUtf8 = Utf8(FieldNames.RequestHeaders);
    private static readonly byte[] TraceElapsedMsUtf8 = Utf8(FieldNames.TraceElapsedMs);
    private static readonly byte[] TraceRootServiceUtf8 = Utf8(FieldNames.TraceRootService);

    /// <summary>The length of the scratch <see cref="Find"/> needs: a decoded name of the longest length as UTF-8.</summary>
    public static int ScratchLength => LongestName * 3;

    public int TraceId;
    public int TraceIdCamel;
    public int Trace;
    public int TraceDotId;
    public int Traceparent;
    public int B3TraceId;
    public int B3SpanId;
    public int B3Single;
    public int Request;
    public int RequestHeaders;
    public int SpanId;
    public int Timestamp;
    public int ServiceName;
    public int TraceSeq;
    public int TraceElapsedMs;
    public int TraceRootService;

    public static TraceFields None => new()
    {
        TraceId = -1, TraceIdCamel = -1, Trace = -1, TraceDotId = -1, Traceparent = -1, B3TraceId = -1, B3SpanId = -1,
        B3Single = -1, Request = -1, RequestHeaders = -1, SpanId = -1, Timestamp = -1, ServiceName = -1, TraceSeq = -1,
        TraceElapsedMs = -1, TraceRootService = -1,
    };

    /// <summary>True when a field is present that may hold a copy of the trace ID (see the enricher's alias check).</summary>
    public readonly bool HasAliases =>
        TraceIdCamel >= 0 || TraceDotId >= 0 || Trace >= 0 || B3TraceId >= 0 || B3Single >= 0 || Request >= 0 || RequestHeaders >= 0;

    /// <summary>The fields of <paramref name="root"/> (the first of each, when a name comes twice). Names are compared as
    /// UTF-8: the input's own bytes, or the decoded name (escaped, or set by an earlier step) encoded into
    /// <paramref name="scratch"/> (<see cref="ScratchLength"/> bytes).</summary>
    public static TraceFields Find(LogObject root, Span<byte> scratch)
    {
        var f = None;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var p = properties[i];

            // Length and first character are ints of the property: most names of a record (message, level, the
            // producer's own ids) are ruled out by them without reading the name's bytes. A name whose length or
            // first character they cannot tell (escapes, non-ASCII) is decoded and tried as UTF-8.
            var length = p.AsciiLength;
            ReadOnlySpan<byte> name;
            if (length >= 0)
            {
                var first = p.FirstChar;
                if (length == 0 || length > LongestName || first < 0 || !MayBeRead(length, first))
                {
                    continue;
                }

                name = p.TryGetRawName(out var raw) ? raw : scratch[..Encoding.UTF8.GetBytes(p.Name, scratch)];
            }
            else
            {
                var text = p.Name;
                if (text.Length > LongestName)
                {
                    continue;
                }

                name = scratch[..Encoding.UTF8.GetBytes(text, scratch)];
                if (name.Length == 0 || name.Length > LongestName || name[0] >= 0x80 || !MayBeRead(name.Length, name[0]))
                {
                    continue;
                }
            }

            f.Note(name, i);
        }

        return f;
    }

    private static bool MayBeRead(int length, int first) =>
        (FirstBytesByLength[(length * 2) + (first >> 6)] & (1UL << first)) != 0;

    private static byte[] Utf8(string name) => Encoding.UTF8.GetBytes(name);

    private void Note(ReadOnlySpan<byte> name, int i)
    {
        switch (name.Length)
        {
            case 2 when Ascii.EqualsIgnoreCase(name, FieldNames.B3Single):
                First(ref B3Single, i);
                break;
            case 5 when name.SequenceEqual(TraceUtf8):
                First(ref Trace, i);
                break;
            case 7 when name.SequenceEqual(TraceIdCamelUtf8):
                First(ref TraceIdCamel, i);
                break;
            case 7 when name.SequenceEqual(SpanIdUtf8):
                First(ref SpanId, i);
                break;
            case 7 when name.SequenceEqual(RequestUtf8):
                First(ref Request, i);
                break;
            case 8 when name.SequenceEqual(TraceIdUtf8):
                First(ref TraceId, i);
                break;
            case 8 when name.SequenceEqual(TraceDotIdUtf8):
                First(ref TraceDotId, i);
                break;
            case 9 when name.SequenceEqual(TraceSeqUtf8):
                First(ref TraceSeq, i);
                break;
            case 10 when name.SequenceEqual(TimestampUtf8):
                First(ref Timestamp, i);
                break;
            case 11 when Ascii.EqualsIgnoreCase(name, FieldNames.Traceparent):
                First(ref Traceparent, i);
                break;
            case 11 when Ascii.EqualsIgnoreCase(name, FieldNames.B3SpanId):
                First(ref B3SpanId, i);
                break;
            case 12 when name.SequenceEqual(ServiceNameUtf8):
                First(ref ServiceName, i);
                break;
            case 12 when Ascii.EqualsIgnoreCase(name, FieldNames.B3TraceId):
                First(ref B3TraceId, i);
                break;
            case 15 when name.SequenceEqual(RequestHeadersUtf8):
                First(ref RequestHeaders, i);
                break;
            case 16 when name.SequenceEqual(TraceElapsedMsUtf8):
                First(ref TraceElapsedMs, i);
                break;
            case 18 when name.SequenceEqual(TraceRootServiceUtf8):
                First(ref TraceRootService, i);
                break;
        }
    }

    private static ulong[] FirstBytesOf(IEnumerable<(int Length, char First)> names)
    {
        var bits = new ulong[(LongestName + 1) * 2];
        foreach (var (length, first) in names)
        {
            bits[(length * 2) + (first >> 6)] |= 1UL << first;
        }

        return bits;
    }

    private static void First(ref int field, int i)
    {
        if (field < 0)
        {
            field = i;
        }
    }
}
