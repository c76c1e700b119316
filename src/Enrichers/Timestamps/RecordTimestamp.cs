using System.Globalization;
using System.Runtime.Intrinsics;
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

    private static readonly LogName TimestampName = new(FieldNames.Timestamp);

    // The layout of "yyyy-MM-ddTHH:mm:ss.fffZ" (see TryReadCanonical): bytes 0-15 and 8-23, '0' where a digit goes, and
    // which of those lanes are digits.
    private const int CanonicalLength = 24;
    private static readonly Vector128<byte> LowLayout = Vector128.Create("0000-00-00T00:00"u8);
    private static readonly Vector128<byte> HighLayout = Vector128.Create("00T00:00:00.000Z"u8);
    private static readonly Vector128<byte> LowDigits = Vector128.Equals(LowLayout, Vector128.Create((byte)'0'));
    private static readonly Vector128<byte> HighDigits = Vector128.Equals(HighLayout, Vector128.Create((byte)'0'));
    private static readonly Vector128<byte> Zero = Vector128.Create((byte)'0');
    private static readonly Vector128<byte> Nine = Vector128.Create((byte)9);
    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>Sets <c>@timestamp</c> when it is missing or unparsable. An unparsable producer value is kept in
    /// <see cref="FieldNames.TimestampOriginal"/> rather than lost.</summary>
    public static void Ensure(LogRecord record, DateTimeOffset receivedAt) => Ensure(record, receivedAt, TimeProvider.System);

    /// <summary>As above, with the clock read only when the record needs it: nearly every record has its own
    /// time, and reading the clock per record cost more than the rest of this check.</summary>
    public static void Ensure(LogRecord record, DateTimeOffset? receivedAt, TimeProvider clock)
    {
        var root = record.Root;
        var index = root.IndexOf(TimestampName);
        if (index >= 0)
        {
            var current = root[index].Value;
            if (TryReadCanonical(current, out var parsed) || IsoTimestamp.TryGetUnixMilliseconds(current, out parsed))
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

    /// <summary>The Unix milliseconds of a timestamp in the form this stage writes (<see cref="Format"/>:
    /// <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, unescaped input bytes), the form nearly every producer's <c>@timestamp</c> has.
    /// Its 24 bytes are checked against the layout with two vector compares instead of a parse field by field; false
    /// for any other form or an impossible date, which <see cref="IsoTimestamp"/> then reads (or refuses) as before.
    /// The milliseconds are what <see cref="IsoTimestamp.TryParse"/> gives for the same bytes.</summary>
    internal static bool TryReadCanonical(LogNode? node, out long milliseconds)
    {
        milliseconds = 0;
        if (node is not LogString { IsRaw: true, RawHasEscapes: false } s)
        {
            return false;
        }

        var b = s.RawUtf8;
        if (b.Length != CanonicalLength)
        {
            return false;
        }

        // Bytes 0-15 and 8-23: each lane is a digit where the layout has one, else the layout's separator.
        var low = Vector128.Create(b);
        var high = Vector128.Create(b[8..]);
        var lowOk = (Vector128.LessThanOrEqual(low - Zero, Nine) & LowDigits) | (Vector128.Equals(low, LowLayout) & ~LowDigits);
        var highOk = (Vector128.LessThanOrEqual(high - Zero, Nine) & HighDigits) | (Vector128.Equals(high, HighLayout) & ~HighDigits);
        if ((lowOk & highOk) != Vector128<byte>.AllBitsSet)
        {
            return false;
        }

        var year = (D(b, 0) * 1000) + (D(b, 1) * 100) + (D(b, 2) * 10) + D(b, 3);
        var month = Two(b, 5);
        var day = Two(b, 8);
        var hour = Two(b, 11);
        var minute = Two(b, 14);
        var second = Two(b, 17);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var days = new DateOnly(year, month, day).DayNumber - UnixEpochDayNumber;
        milliseconds = ((((days * 24L) + hour) * 60 + minute) * 60 + Math.Min(second, 59)) * 1000 + (D(b, 20) * 100) + (D(b, 21) * 10) + D(b, 22);
        return true;

        static int D(ReadOnlySpan<byte> b, int i) => b[i] - '0';
        static int Two(ReadOnlySpan<byte> b, int i) => (D(b, i) * 10) + D(b, i + 1);
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
