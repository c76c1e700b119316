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

        // Look behind for the '/' that starts the authority, noting the first ':' of the user info. The look stops
        // at the '@' looked behind last in this scan: the same look from it found what lies beyond, so its answer
        // is taken over. Otherwise "a@" repeated had every '@' look back to the value's start.
        var stop = Math.Max(st.Floor, st.UrlAt + 1);
        var j = a - 1;
        var colon = -1;
        while (j >= stop)
        {
            var ch = C(s[j]);
            if (ch == '/' && Get(s, j - 1) == '/' && Get(s, j - 2) == ':')
            {
                break;
            }

            if (IsSpaceOrQuote(ch) || ch is '<' or '>')
            {
                st.Work += a - j;
                return Remember(ref st, a, -1, -1);
            }

            if (ch == ':')
            {
                colon = j;
            }

            j--;
        }

        st.Work += a - j;
        if (j < stop)
        {
            if (stop == st.Floor)
            {
                return Remember(ref st, a, -1, -1);
            }

            j = st.UrlSlash;
            colon = st.UrlColon >= 0 ? st.UrlColon : colon;
            if (j < 0)
            {
                return Remember(ref st, a, -1, -1);
            }
        }

        Remember(ref st, a, j, colon);
        if (j - 2 < st.Floor || C(s[j - 1]) != '/' || C(s[j - 2]) != ':' || !IsLetter(Get(s, j - 3)) || colon < 0
            || !IsUserInfo(s, ref st, j + 1, colon, a))
        {
            return false;
        }

        var lastAt = a;
        var k = a + 1;
        for (; k < s.Length; k++)
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

        // Looked at once: a match ends at its last '@', a failure has none after its first.
        st.Work += k - a;
        start = colon + 1;
        end = lastAt;
        return end > start;
    }

    /// <summary>The user info is <c>user:password</c> (a raw <c>/</c>, <c>#</c> or <c>?</c> may be in the password)
    /// and not a host, port and path (<c>https://host:8080/a@b</c>): the user holds none of <c>/ ? #</c>, and the
    /// password does not start with a port (digits, then <c>/</c> or <c>?</c>).</summary>
    private static bool IsUserInfo<T>(ReadOnlySpan<T> s, ref ScanState st, int user, int colon, int at)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = user; k < colon; k++)
        {
            if (C(s[k]) is '/' or '?' or '#')
            {
                return false;
            }
        }

        var p = colon + 1;
        while (p < at && IsDigit(C(s[p])))
        {
            p++;
        }

        st.Work += p - user;
        return !(p > colon + 1 && p < at && C(s[p]) is '/' or '?');
    }

    /// <summary>Keeps what the look behind <paramref name="at"/> found for the next '@' of this scan.</summary>
    private static bool Remember(ref ScanState st, int at, int slash, int colon)
    {
        st.UrlAt = at;
        st.UrlSlash = slash;
        st.UrlColon = colon;
        return false;
    }
}
