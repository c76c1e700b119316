using System.Globalization;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Turns OTLP/JSON's typed values into plain JSON: a <c>KeyValue</c> list (<c>[{"key": k, "value":
/// AnyValue}]</c>) becomes an object, an <c>AnyValue</c> (<c>{"stringValue": …}</c>, <c>intValue</c> — a decimal
/// string in OTLP/JSON —, <c>doubleValue</c>, <c>boolValue</c>, <c>bytesValue</c>, <c>arrayValue</c>,
/// <c>kvlistValue</c>) its value. Work is linear in the value's size; nesting is bounded by the parser's depth limit.</summary>
internal static class OtlpValues
{
    /// <summary>The plain form of <paramref name="value"/> when it is a KeyValue list or an AnyValue, else null.</summary>
    public static LogNode? Plain(LogNode value, LogRecord record) => value switch
    {
        LogArray list when IsKeyValueList(list) => ToObject(list, record),
        LogObject any when IsAnyValue(any) => FromAnyValue(any, record),
        _ => null,
    };

    private static bool IsKeyValueList(LogArray list)
    {
        if (list.Count == 0)
        {
            return false;
        }

        foreach (var item in list.ItemSpan)
        {
            if (item is not LogObject { Count: <= 2 } kv || kv.Get("key") is not LogString)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAnyValue(LogObject value) =>
        value.Count == 1 && value[0].Name is "stringValue" or "boolValue" or "intValue" or "doubleValue" or "bytesValue" or "arrayValue" or "kvlistValue";

    private static LogObject ToObject(LogArray list, LogRecord record)
    {
        var result = record.NewObject();
        foreach (var item in list.ItemSpan)
        {
            var kv = (LogObject)item;
            var key = ((LogString)kv.Get("key")!).Value;
            var value = kv.Get("value") is { } v ? FromAnyValue(v, record) : LogLiteral.Null;
            result.Set(key, value);
        }

        return result;
    }

    private static LogNode FromAnyValue(LogNode node, LogRecord record)
    {
        if (node is not LogObject { Count: 1 } any)
        {
            // An empty AnyValue is OTLP's null.
            return node is LogObject { Count: 0 } ? LogLiteral.Null : node;
        }

        var value = any[0].Value;
        switch (any[0].Name)
        {
            case "intValue" when value is LogString s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n):
                return record.NewNumber(n);
            case "stringValue" or "boolValue" or "intValue" or "doubleValue" or "bytesValue":
                return value;
            case "arrayValue":
                var array = new LogArray();
                if (value is LogObject { } av && av.Get("values") is LogArray values)
                {
                    foreach (var item in values.ItemSpan)
                    {
                        array.Add(FromAnyValue(item, record));
                    }
                }

                return array;
            case "kvlistValue":
                return value is LogObject kvl && kvl.Get("values") is LogArray kvs && IsKeyValueList(kvs) ? ToObject(kvs, record) : record.NewObject();
            default:
                return node;
        }
    }
}
