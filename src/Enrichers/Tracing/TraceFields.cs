namespace Enrichers.Tracing;

/// <summary>Where the fields trace linking reads and writes sit among a record's top-level properties
/// (index, or -1), found in one pass so that no field is looked up twice.</summary>
internal struct TraceFields
{
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
}
