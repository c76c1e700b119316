using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>The password of <c>scheme://user:password@host</c>.</summary>
internal static class UrlPasswordDetector
{
    // scheme://user:password@host: the password is everything after the first ':' of the user info up to the
    // authority's last '@' (so a password may hold '@').
    public static bool UrlPassword<T>(ReadOnlySpan<T> s, int a, ref ScanState st, out int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        start = end = 0;
        var j = a - 1;
        while (j >= st.Floor)
        {
            var ch = C(s[j]);
            if (ch == '/')
            {
                break;
            }

            if (IsSpaceOrQuote(ch) || ch is '?' or '#' or '<' or '>')
            {
                return false;
            }

            j--;
        }

        if (j - 2 < st.Floor || C(s[j - 1]) != '/' || C(s[j - 2]) != ':' || !IsLetter(Get(s, j - 3)))
        {
            return false;
        }

        var colon = -1;
        for (var k = j + 1; k < a; k++)
        {
            if (C(s[k]) == ':')
            {
                colon = k;
                break;
            }
        }

        if (colon < 0)
        {
            return false;
        }

        var lastAt = a;
        for (var k = a + 1; k < s.Length; k++)
        {
            var ch = C(s[k]);
            if (ch == '@')
            {
                lastAt = k;
            }
            else if (ch is '/' or '?' or '#' || IsSpaceOrQuote(ch))
            {
                break;
            }
        }

        start = colon + 1;
        end = lastAt;
        return end > start;
    }
}
