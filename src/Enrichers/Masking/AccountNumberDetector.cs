using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Account numbers: payment cards (Luhn), US SSNs and IBANs (registry length, mod 97).</summary>
internal static class AccountNumberDetector
{
    public static bool Ssn<T>(ReadOnlySpan<T> s, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + 11;
        return DigitsAt(s, i + 4, 2) && Get(s, i + 6) == '-' && DigitsAt(s, i + 7, 4) && EndsNumber(s, end);
    }

    // 13-19 digits passing Luhn, plain or in the groupings cards are printed in (4-4-4-4[-3], 4-6-5, 4-6-4).
    public static bool Card<T>(ReadOnlySpan<T> s, ref ScanState st, int i, int length, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + length;
        if (length >= 13)
        {
            return length <= 19 && !IsWord(Get(s, end)) && Checksums.Luhn(s, i, end);
        }

        var sep = Get(s, i + 4);
        Span<int> lengths = stackalloc int[6];
        Span<int> ends = stackalloc int[6];
        var n = 0;
        var pos = i;
        while (n < lengths.Length)
        {
            var run = st.DigitEnd(s, pos);
            lengths[n] = run - pos;
            ends[n] = run;
            n++;
            if (Get(s, run) == sep && IsDigit(Get(s, run + 1)))
            {
                pos = run + 1;
            }
            else
            {
                break;
            }
        }

        for (var k = n; k >= 3; k--)
        {
            var total = 0;
            var grouped = true;
            for (var g = 0; g < k; g++)
            {
                total += lengths[g];
                grouped &= g == k - 1 ? lengths[g] <= 4 : lengths[g] == 4;
            }

            if (k == 3)
            {
                grouped = lengths[0] == 4 && lengths[1] == 6 && lengths[2] is 4 or 5;
            }

            end = ends[k - 1];
            if (grouped && total is >= 13 and <= 19 && (k < n || !IsWord(Get(s, end))) && Checksums.Luhn(s, i, end))
            {
                return true;
            }
        }

        return false;
    }

    // Two capitals, two check digits, then 11-30 capitals/digits, plain or in groups of four; mod 97 == 1.
    public static bool Iban<T>(ReadOnlySpan<T> s, ref ScanState st, int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var token = st.UpperAlnumEnd(s, start);
        end = token;
        var length = token - start;
        if (length >= 15)
        {
            return length <= 34 && !IsWord(Get(s, token)) && IbanLengthFits(s, start, token, length)
                && Checksums.IbanMod97(s, start, token);
        }

        if (length != 4 || Get(s, token) != ' ')
        {
            return false;
        }

        Span<int> ends = stackalloc int[8];
        var n = 0;
        var pos = token + 1;
        while (n < ends.Length)
        {
            var run = st.UpperAlnumEnd(s, pos);
            if (run == pos || run - pos > 4)
            {
                break;
            }

            ends[n++] = run;
            if (run - pos == 4 && Get(s, run) == ' ' && IsUpperAlnum(Get(s, run + 1)))
            {
                pos = run + 1;
            }
            else
            {
                break;
            }
        }

        for (var k = n; k >= 1; k--)
        {
            end = ends[k - 1];
            var chars = 4 + (end - token - 1) - (k - 1);
            if (chars is >= 15 and <= 34 && !IsWord(Get(s, end)) && IbanLengthFits(s, start, end, chars)
                && Checksums.IbanMod97(s, start, end))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IbanAhead<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> =>
        IsUpper(C(s[i])) && ((IsUpper(Get(s, i + 1)) && IsDigit(Get(s, i + 2)) && !IsAlnum(Get(s, i - 1)))
            || (IsUpper(Get(s, i - 1)) && IsDigit(Get(s, i + 1))));

    // The registry fixes each country's IBAN length; that keeps uppercase hex IDs (trace IDs, digests) that
    // happen to pass mod 97 from being taken for IBANs. A country missing from the table is still accepted,
    // unless the text is all hex digits.
    private static bool IbanLengthFits<T>(ReadOnlySpan<T> s, int start, int end, int length)
        where T : unmanaged, IBinaryInteger<T>
    {
        var expected = IbanLengths.Of(C(s[start]), C(s[start + 1]));
        if (expected > 0)
        {
            return expected == length;
        }

        for (var k = start; k < end; k++)
        {
            var c = C(s[k]);
            if (c != ' ' && !IsHex(c))
            {
                return true;
            }
        }

        return false;
    }
}
