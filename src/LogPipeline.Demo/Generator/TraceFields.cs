namespace LogPipeline.Demo.Generator;

/// <summary>Which trace a record belongs to, and its trace ID written in one of the formats the worker must
/// recognise (W3C traceparent, B3 single and multi header, plain and nested fields). Up to 64 traces are open at
/// once and each spans 1 to 11 records, so records of a trace interleave with others as on a busy platform.</summary>
internal sealed class TraceFields(RandomValues random, JsonTextBuilder json, double traceRate)
{
    private readonly List<GeneratedTrace> _traces = [];

    /// <summary>The trace of the next record, or null (1 − trace rate of the records carry none).</summary>
    public GeneratedTrace? Pick()
    {
        if (random.NextDouble() >= traceRate)
        {
            return null;
        }

        if (_traces.Count == 0 || (_traces.Count < 64 && random.Next(3) == 0))
        {
            _traces.Add(new GeneratedTrace(random.Hex(32), random.Next(1, 12)));
        }

        var i = random.Next(_traces.Count);
        var trace = _traces[i];
        if (--trace.Remaining <= 0)
        {
            _traces.RemoveAt(i);
        }

        return trace;
    }

    /// <summary>Writes the trace ID in one of the supported formats; true when it wrote a "request" object.</summary>
    public bool Write(GeneratedTrace trace)
    {
        var span = random.Hex(16);
        switch (random.Next(10))
        {
            case 0:
                json.Str("trace_id", trace.Id);
                json.Str("span_id", span);
                break;
            case 1:
                json.Str("traceId", trace.Id);
                break;
            case 2:
                json.Begin("trace");
                json.Str("id", trace.Id);
                json.End();
                break;
            case 3:
                json.Str("trace.id", trace.Id);
                break;
            case 4:
                json.Str("traceparent", $"00-{trace.Id}-{span}-01");
                break;
            case 5:
                json.Str("traceparent", $"00-{trace.Id.ToUpperInvariant()}-{span.ToUpperInvariant()}-00");
                break;
            case 6:
                json.Str("b3", $"{trace.Id}-{span}-1");
                break;
            case 7:
                json.Str("x-b3-traceid", trace.Id);
                json.Str("x-b3-spanid", span);
                break;
            case 8:
                json.Begin("request");
                json.Begin("headers");
                json.Str("traceparent", $"00-{trace.Id}-{span}-01");
                json.Str("accept", "application/json");
                json.End();
                json.End();
                return true;
            default:
                json.Begin("request");
                json.Begin("headers");
                json.Str("b3", $"{trace.Id}-{span}");
                json.End();
                json.End();
                return true;
        }

        return false;
    }
}
