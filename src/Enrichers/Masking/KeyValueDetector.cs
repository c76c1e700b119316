using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary><c>key=value</c> and <c>key: value</c> pairs in text whose key matches a secret key rule.</summary>
internal static class KeyValueDetector
{
    /// <summary>The longest marker or keyed token: <c>[</c>, a pattern name (at most 32), <c>:</c>, at most 64 hex
    /// digits, <c>]</c>; with room to spare.</summary>
    private const int MaxMarkerLength = 128;

    // key=value and key: value in text (query strings, logfmt, JSON or dicts logged as text) where the key
    // matches a key rule: the value goes.
    public static bool KeyValue<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        // The key may be quoted, as in JSON or a Python dict logged as text: "password": "x".
        var keyQuote = Get(s, i - 1);
        var keyEnd = keyQuote is '"' or '\'' ? i - 1 : i;
        var k = keyEnd;
        while (k > st.Floor && (IsWord(C(s[k - 1])) || C(s[k - 1]) is '-' or '.'))
        {
            k--;
        }

        st.Work += keyEnd - k;
        if (k == keyEnd || (keyEnd != i && Get(s, k - 1) != keyQuote) || (st.Keys.Evaluate(s[k..keyEnd]) & KeyFlags.Secret) == 0)
        {
            return false;
        }

        var start = i + 1;
        while (Get(s, start) == ' ')
        {
            start++;
        }

        st.Work += start - i;
        var quote = Get(s, start);
        int end;
        if (quote is '"' or '\'')
        {
            start++;
            end = start;
            while (end < s.Length && C(s[end]) != quote)
            {
                end++;
            }

            st.Work += end - start;
        }
        else if (quote == '[' && st.IndexOf(s[..Math.Min(s.Length, start + MaxMarkerLength)], start, "]"u8, "]") is > 0 and var close)
        {
            // Already a marker ("password=[redacted]"): masking twice gives the same text. Looked for only as far
            // as a marker or token reaches, or "password=[" repeated would search the rest of the value each time.
            end = close + 1;
        }
        else
        {
            end = st.ValueEnd(s, start);
            if (Get(s, end) == ' ' && IsAuthScheme(s, start, end))
            {
                // "Authorization: Bearer abc": the scheme stays, the credential goes, however short.
                start = end;
                while (Get(s, start) == ' ')
                {
                    start++;
                }

                end = st.ValueEnd(s, start);
            }

            end = ClauseEnd(s, ref st, end);
        }

        if (end == start)
        {
            return false;
        }

        m = new ValueMatch(start, end, MaskType.Key);
        next = end;
        return true;
    }

    /// <summary>An unquoted secret in text may hold spaces (<c>password: correct horse battery staple</c>), so it
    /// runs past the first word to the end of its clause: further space-separated words are taken until the
    /// end of the string, a tab or line break, one of <c>, ; &amp; | ( ) [ ] { } &lt; &gt;</c> or a quote, or a
    /// word that starts the next pair (<c>user=bob</c>, <c>user: bob</c>). Taking too much only hides log
    /// text; taking too little leaks the rest of the secret.</summary>
    private static int ClauseEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (Get(s, end) == ' ')
        {
            var word = end + 1;
            while (Get(s, word) == ' ')
            {
                word++;
            }

            var c = Get(s, word);
            if (c < 0 || IsValueStop(c) || c is '(' or '[' or '{' or '|' || StartsPair(s, ref st, word))
            {
                break;
            }

            end = st.ValueEnd(s, word);
        }

        return end;
    }

    // key=... or key: ... (a colon then a space, a quote or the end: "http://x" and "12:30" are no keys).
    private static bool StartsPair<T>(ReadOnlySpan<T> s, ref ScanState st, int word)
        where T : unmanaged, IBinaryInteger<T>
    {
        var k = word;
        while (IsWord(Get(s, k)) || Get(s, k) is '-' or '.')
        {
            k++;
        }

        st.Work += k - word;
        if (k == word)
        {
            return false;
        }

        var sep = Get(s, k);
        return sep == '=' || (sep == ':' && Get(s, k + 1) is -1 or ' ' or '"' or '\'');
    }

    private static bool IsAuthScheme<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T> =>
        (end - start) switch
        {
            5 => EqualsIgnoreCase(s, start, "Basic") || EqualsIgnoreCase(s, start, "Token"),
            6 => EqualsIgnoreCase(s, start, "Bearer") || EqualsIgnoreCase(s, start, "Digest"),
            9 => EqualsIgnoreCase(s, start, "Negotiate"),
            _ => false,
        };
}
