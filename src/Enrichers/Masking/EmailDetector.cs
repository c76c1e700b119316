using System.Numerics;
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

    public static bool Email<T>(ReadOnlySpan<T> s, int a, ref ScanState st, out int start, out int end, int atLength = 1)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        start = a;

        // The local part is the run of local-part characters before the '@'. The look stops where the previous
        // candidate's run ended: "a%40" repeated is one run (the '%' and digits of "%40" are local-part
        // characters), which each candidate looked through again to the value's start.
        while (start > st.Floor && IsEmailLocal(C(s[start - 1])) && start != st.LocalRunEnd)
        {
            start--;
        }

        st.Work += a - start;
        if (start == st.LocalRunEnd && start > st.Floor && IsEmailLocal(C(s[start - 1])))
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

        var pos = a + atLength;
        var labels = 0;
        int lastStart = 0, lastEnd = 0;
        while (true)
        {
            var ls = pos;
            while (pos < s.Length && (IsAlnum(C(s[pos])) || C(s[pos]) == '-'))
            {
                pos++;
            }

            if (pos == ls)
            {
                break;
            }

            labels++;
            lastStart = ls;
            lastEnd = pos;
            if (Get(s, pos) == '.' && IsAlnum(Get(s, pos + 1)))
            {
                pos++;
                continue;
            }

            break;
        }

        // No other candidate scans this domain again: it holds no '@' or '%', so it ends before the next anchor of
        // this family.
        st.Work += pos - a;
        if (labels < 2 || lastEnd - lastStart < 2)
        {
            return false;
        }

        for (var k = lastStart; k < lastEnd; k++)
        {
            if (!IsLetter(C(s[k])))
            {
                return false;
            }
        }

        if (IsDensityFileName(s, ref st, a + atLength, lastStart, lastEnd))
        {
            return false;
        }

        end = lastEnd;
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
