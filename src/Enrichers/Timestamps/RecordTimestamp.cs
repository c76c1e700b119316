using System.Globalization;
using Enrichers.Json;
using Enrichers.Tracing;

namespace Enrichers.Timestamps;

/// <summary>Makes sure every record has a usable <c>@timestamp</c>. Elasticsearch data streams refuse a
/// document without one, and a log line without time is useless in Kibana, so a missing value is taken from
/// the producer's other time fields, else from when the record was received (the Kafka timestamp).</summary>
internal static class RecordTimestamp
{
    /// <summary>Fields producers use for the event time, in the order they are tried.</summary>
    private static readonly string[] Candidates = ["timestamp", "time", "ts", "@t"];

    /// <summary>Sets <c>@timestamp</c> when it is missing or unparsable. An unparsable producer value is kept in
    /// <see cref="FieldNames.TimestampOriginal"/> rather than lost.</summary>
    public static void Ensure(LogRecord record, DateTimeOffset receivedAt) => Ensure(record, receivedAt, TimeProvider.System);

    /// <summary>As above, with the clock read only when the record needs it: nearly every record has its own
    /// time, and reading the clock per record cost more than the rest of this check.</summary>
    public static void Ensure(LogRecord record, DateTimeOffset? receivedAt, TimeProvider clock)
    {
        var root = record.Root;
        var index = root.IndexOf(FieldNames.Timestamp);
        if (index >= 0)
        {
            var current = root[index].Value;
            if (IsoTimestamp.TryGetUnixMilliseconds(current, out var parsed))
            {
                record.RememberTimestamp(current, parsed);
                return;
            }

            root.Set(FieldNames.TimestampOriginal, current);
            root[index].Value = record.NewString(Format(receivedAt ?? clock.GetUtcNow()));
            return;
        }

        foreach (var name in Candidates)
        {
            var value = root.Get(name);
            if (value is null)
            {
                continue;
            }

            if (value is LogString s && IsoTimestamp.TryGetUnixMilliseconds(s, out var ms))
            {
                root.Set(FieldNames.Timestamp, record.NewString(Format(DateTimeOffset.FromUnixTimeMilliseconds(ms))));
                return;
            }

            if (value is LogLiteral { Kind: LogNodeKind.Number } n && n.TryGetDouble(out var epoch) && TryFromEpoch(epoch, out var time))
            {
                root.Set(FieldNames.Timestamp, record.NewString(Format(time)));
                return;
            }
        }

        root.Set(FieldNames.Timestamp, record.NewString(Format(receivedAt ?? clock.GetUtcNow())));
    }

    /// <summary>Epoch numbers come in seconds (10 digits today, often fractional) or milliseconds (13).</summary>
    private static bool TryFromEpoch(double epoch, out DateTimeOffset time)
    {
        time = default;
        var ms = epoch >= 1e11 ? epoch : epoch * 1000;
        if (!double.IsFinite(ms) || ms < 0 || ms > 253402300799999)
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
        return true;
    }

    /// <summary>ISO 8601 UTC with milliseconds, the form every time the enrichers write takes.</summary>
    internal static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
