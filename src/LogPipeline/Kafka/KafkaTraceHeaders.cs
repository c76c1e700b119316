using System.Text;
using Confluent.Kafka;
using Enrichers.Tracing;

namespace LogPipeline.Kafka;

/// <summary>Reads the trace context headers of a Kafka message (<c>traceparent</c>, <c>b3</c>, <c>X-B3-TraceId</c>,
/// <c>X-B3-SpanId</c>, names ignoring case) into <see cref="TraceHeaders"/>, which the enrichment library takes
/// without knowing Kafka; and writes them back onto a dead-letter copy, so a replay links the record as the worker
/// would have.</summary>
internal static class KafkaTraceHeaders
{
    /// <summary>The trace headers of a message, or null when it has none (the common case costs a count check).</summary>
    public static TraceHeaders? Read(Headers? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }

        List<KeyValuePair<string, string>>? found = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (TraceHeaders.IsTraceHeader(header.Key))
            {
                var bytes = header.GetValueBytes();
                (found ??= []).Add(KeyValuePair.Create(header.Key, bytes is null ? "" : Encoding.UTF8.GetString(bytes)));
            }
        }

        return found is null ? null : TraceHeaders.From(found);
    }

    /// <summary>Adds <paramref name="trace"/>'s headers to <paramref name="headers"/>.</summary>
    public static void Write(TraceHeaders? trace, Headers headers)
    {
        if (trace is null)
        {
            return;
        }

        foreach (var (name, value) in trace.Pairs())
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }
    }
}
