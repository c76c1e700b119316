using System.Globalization;
using Enrichers.Json;

namespace Enrichers.Tracing;

/// <summary>Reads <c>@timestamp</c> as Unix milliseconds. The common ISO 8601 / RFC 3339 form is parsed
/// straight from the UTF-8 bytes (no string); other text falls back to <see cref="DateTimeOffset.TryParse(string?, IFormatProvider?, DateTimeStyles, out DateTimeOffset)"/>;
/// a JSON number is taken as Unix milliseconds.</summary>
internal static class IsoTimestamp
{
    public static bool TryGetUnixMilliseconds(LogNode? node, out long milliseconds)
    {
        milliseconds = 0;
        switch (node)
        {
            case LogString { IsRaw: true, RawHasEscapes: false } s when TryParse(s.RawUtf8, out milliseconds):
                return true;
            case LogString s:
                if (DateTimeOffset.TryParse(s.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    milliseconds = parsed.ToUnixTimeMilliseconds();
                    return true;
                }

                return false;
            case LogLiteral { Kind: LogNodeKind.Number } n:
                return n.TryGetInt64(out milliseconds);
            default:
                return false;
        }
    }

    /// <summary><c>yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}](Z|±HH:mm|±HHmm)</c>; no offset means UTC.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out long milliseconds)
    {
        // Every record's @timestamp comes here (the session settles the record's time), so the fixed part is read
        // at fixed places with one bounds check, and the date turned into days by arithmetic rather than by
        // DateOnly (which validates it again).
        milliseconds = 0;
        if (s.Length < 19)
        {
            return false;
        }

        var head = s[..19];
        if (head[4] != '-' || head[7] != '-' || head[10] is not ((byte)'T' or (byte)'t' or (byte)' ') || head[13] != ':' || head[16] != ':')
        {
            return false;
        }

        var y0 = (uint)(head[0] - '0');
        var y1 = (uint)(head[1] - '0');
        var y2 = (uint)(head[2] - '0');
        var y3 = (uint)(head[3] - '0');
        var mo0 = (uint)(head[5] - '0');
        var mo1 = (uint)(head[6] - '0');
        var d0 = (uint)(head[8] - '0');
        var d1 = (uint)(head[9] - '0');
        var h0 = (uint)(head[11] - '0');
        var h1 = (uint)(head[12] - '0');
        var mi0 = (uint)(head[14] - '0');
        var mi1 = (uint)(head[15] - '0');
        var s0 = (uint)(head[17] - '0');
        var s1 = (uint)(head[18] - '0');
        if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || mo0 > 9 || mo1 > 9 || d0 > 9 || d1 > 9
            || h0 > 9 || h1 > 9 || mi0 > 9 || mi1 > 9 || s0 > 9 || s1 > 9)
        {
            return false;
        }

        var year = (int)(((y0 * 10 + y1) * 10 + y2) * 10 + y3);
        var month = (int)(mo0 * 10 + mo1);
        var day = (int)(d0 * 10 + d1);
        var hour = (int)(h0 * 10 + h1);
        var minute = (int)(mi0 * 10 + mi1);
        var second = (int)(s0 * 10 + s1);
        if (year < 1 || month is < 1 or > 12 || day < 1 || (day > 28 && day > DateTime.DaysInMonth(year, month))
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var i = 19;
        var fractionMs = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var start = i;
            var scale = 100;
            while (i < s.Length && (uint)(s[i] - '0') <= 9)
            {
                fractionMs += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start || i - start > 9)
            {
                return false;
            }
        }

        var offsetMinutes = 0;
        if (i < s.Length)
        {
            var sign = s[i];
            if ((sign == 'Z' || sign == 'z') && i + 1 == s.Length)
            {
                i++;
            }
            else if (sign == '+' || sign == '-')
            {
                var rest = s[(i + 1)..];
                int oh, om;
                if (rest.Length == 5 && rest[2] == ':' && Digits(rest, 0, 2, out oh) && Digits(rest, 3, 2, out om))
                {
                }
                else if (rest.Length == 4 && Digits(rest, 0, 2, out oh) && Digits(rest, 2, 2, out om))
                {
                }
                else
                {
                    return false;
                }

                if (oh > 23 || om > 59)
                {
                    return false;
                }

                offsetMinutes = (oh * 60 + om) * (sign == '-' ? -1 : 1);
                i = s.Length;
            }
            else
            {
                return false;
            }
        }

        milliseconds = ((((DaysSinceUnixEpoch(year, month, day) * 24L + hour) * 60 + minute) * 60 + Math.Min(second, 59)) * 1000)
            + fractionMs - offsetMinutes * 60_000L;
        return i == s.Length;
    }

    /// <summary>Days from 1970-01-01 to a valid Gregorian date of years 1-9999 (the days-from-civil arithmetic of
    /// H. Hinnant's date algorithms, in 400-year eras of 146,097 days; years start in March, so the leap day comes
    /// last).</summary>
    internal static long DaysSinceUnixEpoch(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = y / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097L) + dayOfEra - 719_468;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }

            value = value * 10 + (int)d;
        }

        return true;
    }
}
