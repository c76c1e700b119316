using System.Numerics;
using System.Runtime.CompilerServices;
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

    // ddd dd dddd with spaces (any kind) or dots: masked when the parts are ones the SSA issues (area not 000, 666 or
    // 9xx, group not 00, serial not 0000) and the group does not read as a measurement. Under an SSN key, any
    // separator and nine bare digits.
    public static bool SeparatedSsn<T>(ReadOnlySpan<T> s, ref ScanState st, int i, bool context, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + 9;
        if (DigitsAt(s, i, 9))
        {
            return context && !IsDigit(Get(s, end)) && EndsNumber(s, end);
        }

        var sep = NumberContext.Separator(s, i + 3, out var kind);
        if (sep == 0 || !(NumberContext.IsSpaceKind(kind) || kind == '.' || (context && kind == '-')) || !DigitsAt(s, i, 3) || !DigitsAt(s, i + 3 + sep, 2)
            || NumberContext.Separator(s, i + 5 + sep, out var kind2) != sep || kind2 != kind || !DigitsAt(s, i + 5 + (2 * sep), 4))
        {
            return false;
        }

        end = i + 9 + (2 * sep);
        if (!EndsNumber(s, end))
        {
            return false;
        }

        return context || (IssuedSsn(s, i, sep) && !NumberContext.IsMeasurement(s, i, end, ref st));
    }

    // 13-19 digits passing Luhn, plain or in the groupings cards are printed in (4-4-4-4[-3], 4-6-5, 4-6-4), the groups
    // separated by spaces (any kind), dashes, dots, '+' or "%20" (form-encoded), one kind per number.
    public static bool Card<T>(ReadOnlySpan<T> s, ref ScanState st, int i, int length, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + length;
        if (length >= 13)
        {
            return length <= 19 && !IsWord(Get(s, end)) && Checksums.Luhn(s, i, end);
        }

        Span<int> lengths = stackalloc int[6];
        Span<int> ends = stackalloc int[6];
        var n = Groups(s, ref st, i, lengths, ends);
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

    // Under a card key: 12-19 digits, bare or in any grouping, checksum or not (a test number or a typo is still the
    // customer's card number).
    public static bool ContextCard<T>(ReadOnlySpan<T> s, ref ScanState st, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        Span<int> lengths = stackalloc int[6];
        Span<int> ends = stackalloc int[6];
        var n = Groups(s, ref st, i, lengths, ends);
        var total = 0;
        for (var g = 0; g < n; g++)
        {
            total += lengths[g];
        }

        end = ends[n - 1];
        return total is >= 12 and <= 19 && !IsWord(Get(s, end)) && !IsDigit(Get(s, end));
    }

    // Two letters of one case, two check digits, then 11-30 letters of that case or digits, plain or in groups of
    // four separated by spaces (any kind) or dashes; mod 97 == 1.
    public static bool Iban<T>(ReadOnlySpan<T> s, ref ScanState st, int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var lower = !IsUpper(C(s[start]));
        var token = CaseAlnumEnd(s, ref st, start, lower);
        end = token;
        var length = token - start;
        if (length >= 15)
        {
            return length <= 34 && !IsWord(Get(s, token)) && IbanLengthFits(s, start, token, length, lower)
                && Checksums.IbanMod97(s, start, token);
        }

        if (length != 4 || NumberContext.Separator(s, token, out var kind) is not (> 0 and var sep) || !(NumberContext.IsSpaceKind(kind) || kind == '-'))
        {
            return false;
        }

        Span<int> ends = stackalloc int[8];
        Span<int> chars = stackalloc int[8];
        var n = 0;
        var pos = token + sep;
        var total = 4;
        while (n < ends.Length)
        {
            var run = CaseAlnumEnd(s, ref st, pos, lower);
            if (run == pos || run - pos > 4)
            {
                break;
            }

            total += run - pos;
            chars[n] = total;
            ends[n++] = run;
            if (run - pos == 4 && NumberContext.Separator(s, run, out var next) == sep && next == kind
                && IsCaseAlnum(Get(s, run + sep), lower))
            {
                pos = run + sep;
            }
            else
            {
                break;
            }
        }

        for (var k = n; k >= 1; k--)
        {
            end = ends[k - 1];
            if (chars[k - 1] is >= 15 and <= 34 && !IsWord(Get(s, end)) && IbanLengthFits(s, start, end, chars[k - 1], lower)
                && Checksums.IbanMod97(s, start, end))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the letter at <paramref name="i"/> may be one of an IBAN's two country letters (so the scan
    /// must not skip its word): two letters of one case, then a digit.</summary>
    public static bool IbanAhead<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        var c = C(s[i]);
        if (!IsLetter(c))
        {
            return false;
        }

        var lower = !IsUpper(c);
        return (IsCaseLetter(Get(s, i + 1), lower) && IsDigit(Get(s, i + 2)) && !IsAlnum(Get(s, i - 1)))
            || (IsCaseLetter(Get(s, i - 1), lower) && IsDigit(Get(s, i + 1)));
    }

    /// <summary>True when two letters of one case stand at <paramref name="first"/> and after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SameCaseLetters(int first, int second) =>
        IsLetter(first) && IsLetter(second) && IsUpper(first) == IsUpper(second);

    // Digit groups joined by one kind of separator: the number of groups (at most 6), their lengths and ends.
    private static int Groups<T>(ReadOnlySpan<T> s, ref ScanState st, int i, Span<int> lengths, Span<int> ends)
        where T : unmanaged, IBinaryInteger<T>
    {
        var n = 0;
        var pos = i;
        var sep = 0;
        var kind = 0;
        while (n < lengths.Length)
        {
            var run = st.DigitEnd(s, pos);
            lengths[n] = run - pos;
            ends[n] = run;
            n++;
            var next = NumberContext.Separator(s, run, out var nextKind);
            if (next > 0 && (n == 1 || (next == sep && nextKind == kind)) && IsDigit(Get(s, run + next)))
            {
                sep = next;
                kind = nextKind;
                pos = run + next;
            }
            else
            {
                break;
            }
        }

        return n;
    }

    // Area 001-899 but 666, group 01-99, serial 0001-9999: numbers the SSA issues.
    private static bool IssuedSsn<T>(ReadOnlySpan<T> s, int i, int sep)
        where T : unmanaged, IBinaryInteger<T>
    {
        var area = ((C(s[i]) - '0') * 100) + ((C(s[i + 1]) - '0') * 10) + (C(s[i + 2]) - '0');
        var g = i + 3 + sep;
        var serial = i + 5 + (2 * sep);
        return area is > 0 and < 900 and not 666 && !(C(s[g]) == '0' && C(s[g + 1]) == '0')
            && !(C(s[serial]) == '0' && C(s[serial + 1]) == '0' && C(s[serial + 2]) == '0' && C(s[serial + 3]) == '0');
    }

    private static bool IsCaseLetter(int c, bool lower) => lower ? (uint)(c - 'a') <= 'z' - 'a' : IsUpper(c);

    private static bool IsCaseAlnum(int c, bool lower) => IsDigit(c) || IsCaseLetter(c, lower);

    private static int CaseAlnumEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int i, bool lower)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (!lower)
        {
            return st.UpperAlnumEnd(s, i);
        }

        var end = i;
        while (end < s.Length && IsCaseAlnum(C(s[end]), lower: true))
        {
            end++;
        }

        st.Work += end - i;
        return end;
    }

    // The registry fixes each country's IBAN length; that keeps uppercase hex IDs (trace IDs, digests) that
    // happen to pass mod 97 from being taken for IBANs. A country missing from the table is still accepted,
    // unless the text is all hex digits. Lowercase IBANs look like lowercase hex IDs more often, so they need a
    // country of the table and a body of digits only or holding a letter beyond f.
    private static bool IbanLengthFits<T>(ReadOnlySpan<T> s, int start, int end, int length, bool lower)
        where T : unmanaged, IBinaryInteger<T>
    {
        var expected = IbanLengths.Of(C(s[start]) & ~0x20, C(s[start + 1]) & ~0x20);
        if (expected > 0 && expected != length)
        {
            return false;
        }

        if (expected == 0 && lower)
        {
            return false;
        }

        if (expected > 0 && !lower)
        {
            return true;
        }

        // Lowercase with a known country: the body; uppercase with an unknown one: the whole text.
        var digitsOnly = true;
        for (var k = expected > 0 ? start + 4 : start; k < end; k++)
        {
            var c = C(s[k]);
            if (IsLetter(c) && !IsHex(c))
            {
                return true;
            }

            digitsOnly &= !IsLetter(c);
        }

        return expected > 0 && digitsOnly;
    }
}
