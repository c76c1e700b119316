using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Phone numbers: international (<c>+country …</c>), parenthesized and North American forms.</summary>
internal static class PhoneDetector
{
    // +<country> then digits in groups separated by one space, dash or dot, or in parentheses: 8 to 15 digits.
    // The longest such prefix wins, so a number written right after the phone number is not swallowed.
    public static bool InternationalPhone<T>(ReadOnlySpan<T> s, ref ScanState st, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var pos = i;
        var digits = 0;
        end = -1;
        while (digits <= 15)
        {
            var ch = Get(s, pos);
            if (IsDigit(ch))
            {
                var run = st.DigitEnd(s, pos);
                digits += run - pos;
                pos = run;
            }
            else if (ch is ' ' or '-' or '.' && (IsDigit(Get(s, pos + 1)) || Get(s, pos + 1) == '('))
            {
                pos++;
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

            if (digits is >= 8 and <= 15 && !IsWord(Get(s, pos)))
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
        if (Get(s, pos) == ' ')
        {
            pos++;
        }

        if (!DigitsAt(s, pos, 3) || Get(s, pos + 3) is not ('-' or '.' or ' ') || !DigitsAt(s, pos + 4, 4))
        {
            return false;
        }

        end = pos + 8;
        return EndsNumber(s, end);
    }

    // [1 sep] ddd sep ddd sep dddd, one separator kind (dash, dot or space).
    public static bool NorthAmericanPhone<T>(ReadOnlySpan<T> s, int i, int length, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        var pos = length == 1 ? i + 2 : i;
        if (!DigitsAt(s, pos, 3))
        {
            return false;
        }

        var sep = Get(s, pos + 3);
        if (sep is not ('-' or '.' or ' ') || !DigitsAt(s, pos + 4, 3) || Get(s, pos + 7) != sep || !DigitsAt(s, pos + 8, 4))
        {
            return false;
        }

        end = pos + 12;
        return EndsNumber(s, end);
    }
}
