using System.Globalization;
using System.Text;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public sealed class IsoTimestampTests
{
    [Theory]
    [InlineData("2026-11-26T12:00:00Z")]
    [InlineData("2026-11-26T12:00:00.123Z")]
    [InlineData("2026-11-26T12:00:00.123456789Z")]
    [InlineData("2026-11-26 12:00:00.5")]
    [InlineData("2026-11-26T12:00:00.1+02:00")]
    [InlineData("2026-11-26T12:00:00-0530")]
    [InlineData("2024-02-29T23:59:59.999z")]
    [InlineData("1969-12-31T23:59:59.001Z")]
    public void Iso_timestamps_are_read_as_the_framework_reads_them(string text)
    {
        var expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        Assert.True(IsoTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out var ms));
        Assert.Equal(expected.ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("2026-02-30T12:00:00Z")]
    [InlineData("2026-13-01T12:00:00Z")]
    [InlineData("2026-11-26T24:00:00Z")]
    [InlineData("2026-11-26T12:00:00.Z")]
    [InlineData("2026-11-26T12:00:00Zjunk")]
    [InlineData("2026-11-26T12:00:00+2:00")]
    [InlineData("2026-11-26")]
    [InlineData("２０２６-11-26T12:00:00Z")]
    public void Anything_else_is_not_taken_by_the_fast_path(string text)
    {
        Assert.False(IsoTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void Every_day_of_years_1_to_9999_is_as_many_days_from_the_epoch_as_DateOnly_counts()
    {
        var epoch = new DateOnly(1970, 1, 1).DayNumber;
        for (var date = DateOnly.MinValue; ; date = date.AddDays(1))
        {
            Assert.Equal(date.DayNumber - epoch, IsoTimestamp.DaysSinceUnixEpoch(date.Year, date.Month, date.Day));
            if (date == DateOnly.MaxValue)
            {
                break;
            }
        }
    }

    [Fact]
    public void Generated_near_timestamps_are_judged_and_read_as_the_pattern_and_the_calendar_say()
    {
        // Valid forms with every character mutated at random, cut short or extended: the fast path must take exactly
        // what the documented pattern allows (with the calendar's limits) and read it to the same millisecond.
        string[] forms =
        [
            "2026-11-26T12:00:00Z", "2024-02-29T23:59:59.999z", "0001-01-01 00:00:00", "9999-12-31T23:59:60.123456789+23:59",
            "1969-12-31T23:59:59.001-0530", "2026-04-30T07:08:09.5+00:00", "2100-02-28T01:02:03Z",
        ];
        const string alphabet = "0123456789-:.TtZz+ x\u0660";
        var random = new Random(20261207);
        var accepted = 0;
        for (var n = 0; n < 200_000; n++)
        {
            var text = new StringBuilder(forms[random.Next(forms.Length)]);
            for (var edits = random.Next(4); edits > 0; edits--)
            {
                switch (random.Next(4))
                {
                    case 0 when text.Length > 0:
                        text[random.Next(text.Length)] = alphabet[random.Next(alphabet.Length)];
                        break;
                    case 1 when text.Length > 0:
                        text.Length = random.Next(text.Length);
                        break;
                    case 2:
                        text.Append(alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        var at = random.Next(text.Length + 1);
                        var digit = (char)('0' + random.Next(10));
                        text.Insert(at, digit);
                        break;
                }
            }

            var input = text.ToString();
            var expected = ByPattern(input);
            var taken = IsoTimestamp.TryParse(Encoding.UTF8.GetBytes(input), out var ms);
            Assert.True(expected.HasValue == taken, input);
            if (taken)
            {
                Assert.True(expected == ms, input);
                accepted++;
            }
        }

        // Both outcomes were exercised in numbers.
        Assert.InRange(accepted, 10_000, 190_000);
    }

    /// <summary>The documented form, read independently of the parser: a regular expression for the shape, the
    /// calendar's limits, and DateTime arithmetic (a leap second counts as second 59; digits past milliseconds are cut).</summary>
    private static long? ByPattern(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(
            text, @"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?([Zz]|[+-][0-9]{2}:?[0-9]{2})?\z");
        if (!m.Success)
        {
            return null;
        }

        int Part(int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        var (year, month, day, hour, minute, second) = (Part(1), Part(2), Part(3), Part(4), Part(5), Part(6));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return null;
        }

        var offset = 0;
        var zone = m.Groups[8].Value;
        if (zone.Length > 1)
        {
            var digits = zone[1..].Replace(":", "", StringComparison.Ordinal);
            var (oh, om) = (int.Parse(digits[..2], CultureInfo.InvariantCulture), int.Parse(digits[2..], CultureInfo.InvariantCulture));
            if (oh > 23 || om > 59)
            {
                return null;
            }

            offset = ((oh * 60) + om) * (zone[0] == '-' ? -1 : 1);
        }

        var fraction = m.Groups[7].Value.PadRight(3, '0')[..3];
        var local = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        return ((local - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond) + int.Parse(fraction, CultureInfo.InvariantCulture)
            - (offset * 60_000L);
    }
}
