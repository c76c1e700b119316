using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Phone numbers: international (<c>+country …</c>), parenthesized and North American forms, and under a
/// phone key (<c>phone</c>, <c>caller_id</c>) bare digit runs. Groups may be separated by spaces, no-break spaces,
/// dashes or dots.</summary>
internal static class PhoneDetector
{
    /// <summary>Digits of the shortest phone number accepted when the key says the value is one (local numbers
    /// without an area code have seven).</summary>
    public const int MinContextDigits = 7;

    // +<country> then digits in groups separated by one space (any kind), dash or dot, or in parentheses: 8 to 15
    // digits (7 to 15 under a phone key). The longest such prefix wins, so a number written right after the phone
    // number is not swallowed.
    public static bool InternationalPhone<T>(ReadOnlySpan<T> s, ref ScanState st, int i, out int end, int minDigits = 8)
        where T : unmanaged, IBinaryInteger<T>
    {
        var pos = i;
        var digits = 0;
        end = -1;
        while (digits <= 15)
        {
            var ch = Get(s, pos);
            var sep = NumberContext.Separator(s, pos, out var kind);
            if (IsDigit(ch))
            {
                var run = st.DigitEnd(s, pos);
                digits += run - pos;
                pos = run;
            }
            else if (sep > 0 && (NumberContext.IsSpaceKind(kind) || kind is '-' or '.') && (IsDigit(Get(s, pos + sep)) || Get(s, pos + sep) == '('))
            {
                pos += sep;
                continue;
            }
            else if (ch == '(' && IsDigit(Get(s, pos + 1)))
            {
                var run = st.DigitEnd(s, pos + 1);
                if (Get(s, run) != ')')
                {
                    break;
                }

                digits += run - pos - 1;
                pos = run + 1;
            }
            else
            {
                break;
            }

            if (digits >= minDigits && digits <= 15 && !IsWord(Get(s, pos)))
            {
                end = pos;
            }
        }

        return end > 0;
    }

    // After "(ddd)": optional space, ddd, separator, dddd.
    public static bool ParenthesizedPhone<T>(ReadOnlySpan<T> s, int pos, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        if (NumberContext.Separator(s, pos, out var space) is > 0 and var gap && NumberContext.IsSpaceKind(space))
        {
            pos += gap;
        }

        if (!DigitsAt(s, pos, 3) || NumberContext.Separator(s, pos + 3, out var kind) is not (> 0 and var sep)
            || !(NumberContext.IsSpaceKind(kind) || kind is '-' or '.') || !DigitsAt(s, pos + 3 + sep, 4))
        {
            return false;
        }

        end = pos + 3 + sep + 4;
        return EndsNumber(s, end);
    }

    // [1 sep] ddd sep ddd sep dddd, one separator kind (dash, dot or space). The area code starts 2-9 as the
    // North American plan requires (so 125-750-1000 is not one), and a group that reads as a measurement (a unit
    // after it, a list of numbers, "latency" before it) is not a phone.
    public static bool NorthAmericanPhone<T>(ReadOnlySpan<T> s, ref ScanState st, int i, int length, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        var pos = i;
        if (length == 1)
        {
            var lead = NumberContext.Separator(s, i + 1, out _);
            if (lead == 0)
            {
                return false;
            }

            pos += 1 + lead;
        }

        if (!DigitsAt(s, pos, 3) || Get(s, pos) is '0' or '1')
        {
            return false;
        }

        var sep = NumberContext.Separator(s, pos + 3, out var kind);
        if (sep == 0 || !(NumberContext.IsSpaceKind(kind) || kind is '-' or '.') || !DigitsAt(s, pos + 3 + sep, 3))
        {
            return false;
        }

        var second = pos + 3 + sep + 3;
        if (NumberContext.Separator(s, second, out var kind2) != sep || kind2 != kind || !DigitsAt(s, second + sep, 4))
        {
            return false;
        }

        end = second + sep + 4;
        return EndsNumber(s, end) && !NumberContext.IsMeasurement(s, i, end, ref st);
    }

    // Under a phone key: 7-15 digits, bare or in groups (the '+' form is tried first by the caller).
    public static bool ContextPhone<T>(ReadOnlySpan<T> s, ref ScanState st, int i, out int end)
        where T : unmanaged, IBinaryInteger<T> =>
        InternationalPhone(s, ref st, i, out end, MinContextDigits);
}
