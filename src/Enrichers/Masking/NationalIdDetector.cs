using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>National identifiers, after the validation rules and context words of Microsoft Presidio's recognizers:
/// India's Aadhaar (12 digits, Verhoeff check digit, not starting 0 or 1, printed 4-4-4) and PAN
/// (<c>AAAPA1234A</c>: five letters, the fourth the holder type, four digits, a letter), and the UK National
/// Insurance number (<c>AB 12 34 56 C</c>, with the prefixes HMRC never issues excluded). Shapes that ordinary IDs
/// share (12 bare digits, a bare PAN or NINO) need context: a key or words before them that name the identifier.</summary>
internal static class NationalIdDetector
{
    // PAN holder types (fourth letter): company, person, HUF, firm, AOP, trust, BOI, local authority, juridical, government.
    private const string PanHolderTypes = "ABCFGHJLPT";

    /// <summary>An Aadhaar number starting at the digit run <paramref name="i"/> of <paramref name="length"/> digits:
    /// 4-4-4 groups (space of any kind or dash) with a valid check digit that do not read as a measurement; with
    /// context (<paramref name="context"/>: the key says so), 12 bare or grouped digits, checked or not.</summary>
    public static bool Aadhaar<T>(ReadOnlySpan<T> s, ref ScanState st, int i, int length, bool context, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + length;
        if (length == 12)
        {
            return context && !IsWord(Get(s, end)) && EndsNumber(s, end);
        }

        if (length != 4 || NumberContext.Separator(s, i + 4, out var kind) is not (> 0 and var sep) || !(NumberContext.IsSpaceKind(kind) || kind == '-')
            || !DigitsAt(s, i + 4 + sep, 4) || NumberContext.Separator(s, i + 8 + sep, out var kind2) != sep || kind2 != kind
            || !DigitsAt(s, i + 8 + (2 * sep), 4))
        {
            return false;
        }

        end = i + 12 + (2 * sep);
        return !IsDigit(Get(s, end)) && EndsNumber(s, end) && (context || (Valid(s, i, end, ref st) && !NumberContext.IsMeasurement(s, i, end, ref st)));
    }

    /// <summary>A PAN or a National Insurance number whose letters end right before the digit at <paramref name="i"/>
    /// (<c>ABCPE1234F</c>, <c>AB123456C</c>, <c>AB12 34 56 C</c>).</summary>
    public static bool AfterLetters<T>(ReadOnlySpan<T> s, ref ScanState st, int i, bool context, out int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        start = i - 5;
        if (start >= st.Floor && IsPan(s, start) && (context || HasContextBefore(s, start, ref st)))
        {
            end = start + 10;
            return true;
        }

        start = i - 2;
        return start >= st.Floor && !IsWord(Get(s, start - 1)) && Nino(s, ref st, start, context, out end);
    }

    /// <summary>A National Insurance number written with a space after its letters (<c>AB 12 34 56 C</c>), found at
    /// its first digit <paramref name="i"/>.</summary>
    public static bool SpacedNino<T>(ReadOnlySpan<T> s, ref ScanState st, int i, bool context, out int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        start = i - 3;
        return start >= st.Floor && Get(s, i - 1) == ' ' && !IsWord(Get(s, start - 1)) && Nino(s, ref st, start, context, out end);
    }

    // Two prefix letters, three pairs of digits, a suffix letter A-D; a space (any kind) may stand between the parts.
    // Without context at least one space is required: a bare AB123456C reads like many product and ticket codes.
    private static bool Nino<T>(ReadOnlySpan<T> s, ref ScanState st, int start, bool context, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        int first = Get(s, start), second = Get(s, start + 1);
        if (!IsUpper(first) || !IsUpper(second) || "DFIQUV".Contains((char)first, StringComparison.Ordinal)
            || "DFIOQUV".Contains((char)second, StringComparison.Ordinal) || IsExcludedNinoPrefix(first, second))
        {
            return false;
        }

        var pos = start + 2;
        var spaces = 0;
        for (var part = 0; part < 4; part++)
        {
            if (NumberContext.Separator(s, pos, out var kind) is > 0 and var sep && NumberContext.IsSpaceKind(kind))
            {
                pos += sep;
                spaces++;
            }

            if (part < 3)
            {
                if (!DigitsAt(s, pos, 2))
                {
                    return false;
                }

                pos += 2;
            }
        }

        st.Work += pos - start;
        if (Get(s, pos) is not ('A' or 'B' or 'C' or 'D') || IsWord(Get(s, pos + 1)))
        {
            return false;
        }

        end = pos + 1;
        return context || spaces > 0 || HasContextBefore(s, start, ref st);
    }

    /// <summary>True when the capital at <paramref name="i"/> belongs to the two or five capitals that open a NINO
    /// or a PAN (a digit follows them), so the scan must not skip its word.</summary>
    public static bool LetteredIdAhead<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        var j = i;
        while (IsUpper(Get(s, j)) && j - i < 5)
        {
            j++;
        }

        if (!IsDigit(Get(s, j)))
        {
            return false;
        }

        var k = i;
        while (IsUpper(Get(s, k - 1)) && i - k < 5)
        {
            k--;
        }

        return (j - k) is 2 or 5 && !IsWord(Get(s, k - 1));
    }

    private static bool IsExcludedNinoPrefix(int first, int second) =>
        (first, second) is ('B', 'G') or ('G', 'B') or ('N', 'K') or ('K', 'N') or ('N', 'T') or ('T', 'N') or ('Z', 'Z');

    // AAAPA1234A, bounded by non-word characters.
    private static bool IsPan<T>(ReadOnlySpan<T> s, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (IsWord(Get(s, start - 1)) || IsWord(Get(s, start + 10)) || !IsUpper(Get(s, start + 9)) || !DigitsAt(s, start + 5, 4))
        {
            return false;
        }

        for (var k = start; k < start + 5; k++)
        {
            if (!IsUpper(Get(s, k)))
            {
                return false;
            }
        }

        return PanHolderTypes.Contains((char)Get(s, start + 3), StringComparison.Ordinal);
    }

    // 12 digits starting 2-9, Verhoeff, not a palindrome (as Presidio rejects).
    private static bool Valid<T>(ReadOnlySpan<T> s, int start, int end, ref ScanState st)
        where T : unmanaged, IBinaryInteger<T>
    {
        st.Work += end - start;
        if (C(s[start]) is '0' or '1' || !Checksums.Verhoeff(s, start, end))
        {
            return false;
        }

        Span<int> digits = stackalloc int[12];
        var n = 0;
        for (var k = start; k < end && n < digits.Length; k++)
        {
            if (IsDigit(C(s[k])))
            {
                digits[n++] = C(s[k]);
            }
        }

        for (var k = 0; k < n / 2; k++)
        {
            if (digits[k] != digits[n - 1 - k])
            {
                return true;
            }
        }

        return false;
    }

    // The key or words before the value name a national identifier (aadhaar, pan, nino, national insurance…).
    private static bool HasContextBefore<T>(ReadOnlySpan<T> s, int start, ref ScanState st)
        where T : unmanaged, IBinaryInteger<T> =>
        (NumberContext.KeyBefore(s, start, ref st) & KeyFlags.NationalIdContext) != 0;
}
