using System.Numerics;
using System.Runtime.CompilerServices;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>E-mail addresses, plain (<c>@</c>) or URL-encoded (<c>%40</c>).</summary>
internal static class EmailDetector
{
    // Image file extensions, none of them a top-level domain (see IsDensityFileName).
    private static readonly string[] ImageExtensions = ["png", "jpg", "jpeg", "gif", "webp", "svg", "ico", "bmp", "avif", "tif", "tiff", "heic"];

    // jane%40example.com: an e-mail address URL-encoded in a path or query string.
    public static bool EncodedAtSign<T>(ReadOnlySpan<T> s, int a, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = a + 1;
        if ((st.On & MaskPatterns.Email) != 0 && Get(s, a + 1) == '4' && Get(s, a + 2) == '0' && Email(s, a, ref st, out var start, out var end, 3))
        {
            m = new ValueMatch(start, end, MaskType.Email);
            return true;
        }

        return false;
    }

    // s[walked .. a) are local-part characters the caller already walked (a when it did not): the look behind
    // starts at the first of them, or stops at the previous candidate's run end among them, as it would have.
    public static bool Email<T>(ReadOnlySpan<T> s, int a, ref ScanState st, out int start, out int end, int atLength = 1, int walked = -1)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        if (atLength == 1 && Get(s, a - 1) == '"' && QuotedLocalPart(s, a, ref st, out start) && Domain(s, ref st, a, atLength, out end))
        {
            return true;
        }

        start = walked < 0 ? a : walked;
        if (st.LocalRunEnd >= start && st.LocalRunEnd <= a)
        {
            start = st.LocalRunEnd;
        }

        // The local part is the run of local-part characters before the '@'. The look stops where the previous
        // candidate's run ended: "a%40" repeated is one run (the '%' and digits of "%40" are local-part
        // characters), which each candidate looked through again to the value's start.
        while (start > st.Floor && LocalBefore(s, start) is > 0 and var width && start != st.LocalRunEnd)
        {
            start -= width;
        }

        st.Work += a - start;
        if (start == st.LocalRunEnd && start > st.Floor && LocalBefore(s, start) > 0)
        {
            start = st.LocalRunStart;
        }

        var dots = start == st.LocalRunStart && st.LocalDotsEnd > start ? st.LocalDotsEnd : start;
        st.LocalRunStart = start;
        st.LocalRunEnd = a;

        // The run's leading dots, skipped once per run as well.
        var from = dots;
        while (dots < a && C(s[dots]) == '.')
        {
            dots++;
        }

        st.Work += dots - from;
        st.LocalDotsEnd = dots;
        start = dots;

        if (start == a)
        {
            return false;
        }

        return Domain(s, ref st, a, atLength, out end);
    }

    /// <summary>How many code units before <paramref name="i"/> continue the local part: 1 for a local-part character
    /// (letters, digits, <c>. _ % + -</c>, non-ASCII), 1 for an apostrophe between two letters or digits
    /// (<c>o'neil</c>; a quote before the address, as in <c>'jane@…'</c>, is not one), 1 for the backslash of a
    /// <c>\uXXXX</c> escape (JSON text inside a string: <c>jo\u0068n@…</c>), 0 when the local part starts at
    /// <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LocalBefore<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        var c = Get(s, i - 1);
        if (c < 0)
        {
            return 0;
        }

        if (IsEmailLocal(c))
        {
            return 1;
        }

        if (c == '\'')
        {
            return IsAlnum(Get(s, i - 2)) && IsAlnum(Get(s, i)) ? 1 : 0;
        }

        return c == '\\' && Get(s, i) == 'u' && IsHex(Get(s, i + 1)) && IsHex(Get(s, i + 2)) && IsHex(Get(s, i + 3))
            && IsHex(Get(s, i + 4)) && Get(s, i - 2) != '\\' ? 1 : 0;
    }

    // "john doe"@example.com: a quoted local part (RFC 5322), up to 64 characters, no line break, '@' or quote inside;
    // its opening quote follows a boundary, and an escaped one (\"…\"@ in JSON text) starts at its backslash. The
    // look back stops at an '@', so consecutive candidates never read the same text twice.
    private static bool QuotedLocalPart<T>(ReadOnlySpan<T> s, int a, ref ScanState st, out int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        start = a;
        var close = a - 1;
        var escaped = Get(s, close - 1) == '\\';
        var j = close - (escaped ? 2 : 1);

        // 66 characters (code points, the same reach in UTF-8 and UTF-16): 64 and an escaped quote's backslashes.
        var reach = 66;
        while (j >= st.Floor && reach > 0 && Get(s, j) is not ('"' or '@' or '\n' or '\r' or -1))
        {
            reach -= NumberContext.StartsCodePoint<T>(Get(s, j)) ? 1 : 0;
            j--;
        }

        st.Work += close - j;
        if (j < st.Floor || Get(s, j) != '"' || close - j < 2)
        {
            return false;
        }

        start = escaped && Get(s, j - 1) == '\\' ? j - 1 : j;
        return !IsWord(Get(s, start - 1));
    }

    // The domain after the '@' (or "%40"): labels of letters, digits, hyphens and non-ASCII letters (internationalized
    // names, bücher.de, 例子.广告), at least two; the last one, the top-level domain, is letters (ASCII, at least two,
    // or non-ASCII), or punycode (xn--p1ai). A non-ASCII run right after an ASCII top-level domain is text, not
    // domain (jane@example.com’s, jane@example.com，谢谢): the address ends before it.
    private static bool Domain<T>(ReadOnlySpan<T> s, ref ScanState st, int a, int atLength, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        var pos = a + atLength;
        var labels = 0;
        int lastStart = 0, lastEnd = 0;
        while (true)
        {
            var ls = pos;
            while (pos < s.Length && (IsDomainChar(C(s[pos])) || (atLength == 3 && IsEncodedByte(s, pos))))
            {
                pos += C(s[pos]) == '%' ? 3 : 1;
            }

            if (pos == ls)
            {
                break;
            }

            labels++;
            lastStart = ls;
            lastEnd = pos;
            if (Get(s, pos) == '.' && ((IsDomainChar(Get(s, pos + 1)) && Get(s, pos + 1) != '-') || (atLength == 3 && IsEncodedByte(s, pos + 1))))
            {
                pos++;
                continue;
            }

            break;
        }

        // No other candidate scans this domain again: it holds no '@' or '%', so it ends before the next anchor of
        // this family.
        st.Work += pos - a;
        if (labels < 2)
        {
            return false;
        }

        var tldEnd = lastStart;
        if (IsLetter(C(s[lastStart])))
        {
            while (tldEnd < lastEnd && IsLetter(C(s[tldEnd])))
            {
                tldEnd++;
            }

            if (tldEnd < lastEnd && C(s[tldEnd]) < 0x80 && C(s[tldEnd]) != '%')
            {
                // A digit or hyphen in the top-level domain: only punycode (xn--…) has them.
                if (!EqualsIgnoreCase(s, lastStart, "xn--") || !IsAsciiLabel(s, lastStart, lastEnd))
                {
                    return false;
                }

                tldEnd = lastEnd;
            }
            else if (tldEnd - lastStart < 2)
            {
                return false;
            }
        }
        else if (C(s[lastStart]) >= 0x80 || C(s[lastStart]) == '%')
        {
            while (tldEnd < lastEnd && (C(s[tldEnd]) >= 0x80 || C(s[tldEnd]) == '%' || (atLength == 3 && IsHex(C(s[tldEnd])))))
            {
                tldEnd++;
            }
        }
        else
        {
            return false;
        }

        if (IsDensityFileName(s, ref st, a + atLength, lastStart, lastEnd))
        {
            return false;
        }

        end = tldEnd;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDomainChar(int c) => IsAlnum(c) || c == '-' || c >= 0x80;

    // %C3 in a URL-encoded address: an internationalized domain's UTF-8 bytes, percent-encoded.
    private static bool IsEncodedByte<T>(ReadOnlySpan<T> s, int pos)
        where T : unmanaged, IBinaryInteger<T> =>
        Get(s, pos) == '%' && IsHex(Get(s, pos + 1)) && IsHex(Get(s, pos + 2)) && !(Get(s, pos + 1) == '4' && Get(s, pos + 2) == '0');

    private static bool IsAsciiLabel<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = start; k < end; k++)
        {
            if (C(s[k]) >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    // icon@2x.png, logo@3x.jpg, sprite@1.5x.webp: the pixel-density suffix of image file names (Apple's and the
    // web's convention). Only when the whole "domain" is <digits>[.<digits>]x.<image extension>, none of which
    // is a top-level domain, so no deliverable address is left unmasked (ops@2x.png.com, a@b.io still are).
    private static bool IsDensityFileName<T>(ReadOnlySpan<T> s, ref ScanState st, int domain, int lastStart, int lastEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        var p = st.DigitEnd(s, domain);
        if (p == domain)
        {
            return false;
        }

        if (Get(s, p) == '.' && IsDigit(Get(s, p + 1)))
        {
            p = st.DigitEnd(s, p + 1);
        }

        if (Get(s, p) is not ('x' or 'X') || p + 2 != lastStart)
        {
            return false;
        }

        foreach (var candidate in ImageExtensions)
        {
            if (candidate.Length == lastEnd - lastStart && EqualsIgnoreCase(s, lastStart, candidate))
            {
                return true;
            }
        }

        return false;
    }
}
