using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>The password of <c>scheme://user:password@host</c>.</summary>
internal static class UrlPasswordDetector
{
    /// <summary>How far after a <c>/</c> in a password its next <c>@</c> is looked for.</summary>
    private const int MaxPasswordTail = 64;

    /// <summary>How much of a host after the <c>@</c> is read to find its port.</summary>
    private const int MaxHostLength = 253;

    // scheme://user:password@host: the password is everything after the first ':' of the user info up to the
    // authority's last '@' (so a password may hold '@').
    // s[before + 1 .. a) are e-mail local-part characters (the caller walked them once for this look and the
    // e-mail's; a - 1 when it did not): none of them is '/', ':', a space, a quote, '<' or '>', so none ends or
    // decides the look behind, which starts below them as if it had walked them.
    public static bool UrlPassword<T>(ReadOnlySpan<T> s, int a, int before, ref ScanState st, out int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        start = end = 0;

        // Look behind for the '/' that starts the authority, noting the first ':' of the user info. The look stops
        // at the '@' looked behind last in this scan: the same look from it found what lies beyond, so its answer
        // is taken over. Otherwise "a@" repeated had every '@' look back to the value's start.
        var stop = Math.Max(st.Floor, st.UrlAt + 1);
        var j = before >= stop ? before : Math.Min(a - 1, stop - 1);
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
            else if (ch == '/' && SlashInPassword(s, ref st, lastAt, k, out var nextAt))
            {
                lastAt = nextAt;
                k = nextAt;
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
        return !(p > colon + 1 && p < at && C(s[p]) is '/' or '?') || !IsPort(s, ref st, colon + 1, p, at);
    }

    /// <summary>Whether the digits <c>s[start..end)</c>, followed by <c>/</c> or <c>?</c> and, further on, the
    /// <c>@</c> at <paramref name="at"/>, are a port (<c>https://host:8080/a@b</c>) rather than the start of a
    /// password (<c>postgres://app:123/abc@db:5432/x</c>): not when there are more than 5 digits or they pass 65535,
    /// nor when no <c>/</c> stands between them and the <c>@</c> and a host with its own port follows the <c>@</c>
    /// (<c>@db:5432</c>). A password of digits and <c>/</c> before a host without a port still reads as a port.</summary>
    private static bool IsPort<T>(ReadOnlySpan<T> s, ref ScanState st, int start, int end, int at)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (end - start > 5)
        {
            return false;
        }

        var port = 0;
        for (var k = start; k < end; k++)
        {
            port = (port * 10) + (C(s[k]) - '0');
        }

        if (port > 65535)
        {
            return false;
        }

        // A password is short; a longer path is read as one, and the look stays constant per '@'.
        if (at - end > MaxPasswordTail)
        {
            return true;
        }

        for (var k = end + 1; k < at; k++)
        {
            if (C(s[k]) is '/' or '?')
            {
                return true;
            }
        }

        var h = at + 1;
        while (h - at <= MaxHostLength && (IsAlnum(Get(s, h)) || Get(s, h) is '.' or '-'))
        {
            h++;
        }

        st.Work += h - end;
        return !(h > at + 1 && Get(s, h) == ':' && IsDigit(Get(s, h + 1)));
    }

    /// <summary>Keeps what the look behind
    /// <summary>A password holding <c>@</c> and then <c>/</c> (<c>app:p@ss/w0rd@db</c>): the <c>/</c> at
    /// <paramref name="slash"/> is in the password when what lies between the <c>@</c> before it (read by this look
    /// only) and it cannot be a host
    /// (no <c>.</c> or <c>:</c>: <c>user:pw@api.example.com/u/x@y</c> keeps its host), the next <c>@</c> comes within
    /// <see cref="MaxPasswordTail"/> characters with no <c>/ ? #</c>, space or quote before it, and a host follows it.
    /// A path holding <c>@</c> right after a host without a dot (<c>http://u:p@db/users/@me</c> has a <c>/</c>
    /// between; <c>http://u:p@db/x@y</c> has not) is read as part of the password: hiding a host is the price of not
    /// leaking a password's tail.</summary>
    private static bool SlashInPassword<T>(ReadOnlySpan<T> s, ref ScanState st, int at, int slash, out int nextAt)
        where T : unmanaged, IBinaryInteger<T>
    {
        nextAt = -1;
        for (var k = at + 1; k < slash; k++)
        {
            if (C(s[k]) is '.' or ':')
            {
                return false;
            }
        }

        var limit = Math.Min(s.Length, slash + 1 + MaxPasswordTail);
        var j = slash + 1;
        while (j < limit && C(s[j]) is not ('@' or '/' or '?' or '#') && !IsSpaceOrQuote(C(s[j])))
        {
            j++;
        }

        st.Work += j - at;
        if (Get(s, j) != '@' || j == slash + 1 || !IsAlnum(Get(s, j + 1)))
        {
            return false;
        }

        nextAt = j;
        return true;
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
