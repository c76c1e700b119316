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
        milliseconds = 0;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
            || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
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

        var days = new DateOnly(year, month, day).DayNumber - UnixEpochDayNumber;
        milliseconds = ((((days * 24L + hour) * 60 + minute) * 60 + Math.Min(second, 59)) * 1000) + fractionMs
            - offsetMinutes * 60_000L;
        return i == s.Length;
    }

    private static readonly int UnixEpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

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
