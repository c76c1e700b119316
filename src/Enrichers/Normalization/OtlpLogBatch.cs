using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>An OTLP/JSON logs batch (<c>LogsData</c> / <c>ExportLogsServiceRequest</c>, as the OpenTelemetry
/// Collector's Kafka exporter writes it with <c>encoding: otlp_json</c>): <c>resourceLogs[].scopeLogs[].logRecords[]</c>.
/// <see cref="TrySplit"/> makes each log record a record of its own carrying its <c>resource</c> and <c>scope</c>, so the
/// normalization rules read it as they read a single OpenTelemetry record (<c>resource.attributes.service.name</c>,
/// <c>scope.attributes</c>, <c>timeUnixNano</c>, <c>severityNumber</c>, hex <c>traceId</c>…).</summary>
internal static class OtlpLogBatch
{
    /// <summary>Rejection code of a value that names <c>resourceLogs</c> but is not a well-formed batch.</summary>
    public const string InvalidCode = "invalid_otlp_batch";

    /// <summary>Rejection code of a well-formed batch without a single log record.</summary>
    public const string EmptyCode = "empty_otlp_batch";

    /// <summary>The top-level field that makes a record a batch.</summary>
    public const string ResourceLogs = "resourceLogs";

    /// <summary>True when <paramref name="root"/> is meant as a batch: it has a <c>resourceLogs</c> field.</summary>
    public static bool IsBatch(LogObject root) => root.IndexOf(ResourceLogs) >= 0;

    /// <summary>Adds the log records of the batch <paramref name="root"/> to <paramref name="records"/> in batch
    /// order, each with a copy of its resource and scope (enrichers change records in place, so records never share
    /// nodes). Other top-level fields of the batch are not part of any record. False, with the first problem found,
    /// when the batch is malformed or holds no log record; then <paramref name="records"/> is left as it was.</summary>
    public static bool TrySplit(LogObject root, LogNodePool? pool, List<LogObject> records, out RecordRejection? rejection)
    {
        rejection = null;
        var start = records.Count;
        if (root.Get(ResourceLogs) is not LogArray resourceLogs)
        {
            return Fail(records, start, out rejection, $"{ResourceLogs} is {Describe(root.Get(ResourceLogs))}, not an array");
        }

        for (var i = 0; i < resourceLogs.Count; i++)
        {
            var path = $"{ResourceLogs}[{i}]";
            if (resourceLogs[i] is not LogObject resourceLog)
            {
                return Fail(records, start, out rejection, $"{path} is {Describe(resourceLogs[i])}, not an object");
            }

            if (!TryGetOptional<LogObject>(resourceLog, "resource", out var resource, out var problem)
                || !TryGetOptional<LogArray>(resourceLog, "scopeLogs", out var scopeLogs, out problem))
            {
                return Fail(records, start, out rejection, $"{path}.{problem}");
            }

            for (var j = 0; j < (scopeLogs?.Count ?? 0); j++)
            {
                var scopePath = $"{path}.scopeLogs[{j}]";
                if (scopeLogs![j] is not LogObject scopeLog)
                {
                    return Fail(records, start, out rejection, $"{scopePath} is {Describe(scopeLogs[j])}, not an object");
                }

                if (!TryGetOptional<LogObject>(scopeLog, "scope", out var scope, out problem)
                    || !TryGetOptional<LogArray>(scopeLog, "logRecords", out var logRecords, out problem))
                {
                    return Fail(records, start, out rejection, $"{scopePath}.{problem}");
                }

                for (var k = 0; k < (logRecords?.Count ?? 0); k++)
                {
                    if (logRecords![k] is not LogObject logRecord)
                    {
                        return Fail(records, start, out rejection,
                            $"{scopePath}.logRecords[{k}] is {Describe(logRecords[k])}, not an object");
                    }

                    if (resource is not null)
                    {
                        logRecord.Set("resource", LogNodeCopier.Copy(resource, pool));
                    }

                    if (scope is not null)
                    {
                        logRecord.Set("scope", LogNodeCopier.Copy(scope, pool));
                    }

                    records.Add(logRecord);
                }
            }
        }

        if (records.Count == start)
        {
            rejection = new RecordRejection(EmptyCode, "OTLP/JSON logs batch holds no log record (resourceLogs[].scopeLogs[].logRecords[] are all empty)");
            return false;
        }

        return true;
    }

    /// <summary>The field <paramref name="name"/> when it is a <typeparamref name="T"/>, or null when absent or JSON
    /// null (OTLP/JSON leaves out empty fields); false for any other value.</summary>
    private static bool TryGetOptional<T>(LogObject parent, string name, out T? value, out string? problem)
        where T : LogNode
    {
        var node = parent.Get(name);
        value = node as T;
        problem = null;
        if (node is null or T || node.Kind == LogNodeKind.Null)
        {
            return true;
        }

        problem = $"{name} is {Describe(node)}, not {(typeof(T) == typeof(LogArray) ? "an array" : "an object")}";
        return false;
    }

    private static bool Fail(List<LogObject> records, int start, out RecordRejection rejection, string problem)
    {
        records.RemoveRange(start, records.Count - start);
        rejection = new RecordRejection(InvalidCode, $"not a well-formed OTLP/JSON logs batch: {problem}");
        return false;
    }

    private static string Describe(LogNode? node) => node?.Kind switch
    {
        null => "missing",
        LogNodeKind.Object => "an object",
        LogNodeKind.Array => "an array",
        LogNodeKind.String => "a string",
        LogNodeKind.Number => "a number",
        LogNodeKind.Null => "null",
        _ => "a boolean",
    };
}
