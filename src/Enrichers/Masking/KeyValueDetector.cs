using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary><c>key=value</c> and <c>key: value</c> pairs in text whose key matches a secret key rule, and the value
/// of a name/value pair whose name names a secret (<c>name: DB_PASSWORD … value: …</c>, a multipart form field
/// <c>name="password"</c>).</summary>
internal static class KeyValueDetector
{
    /// <summary>The longest marker or keyed token: <c>[</c>, a pattern name (at most 32), <c>:</c>, at most 64 hex
    /// digits, <c>]</c>; with room to spare.</summary>
    private const int MaxMarkerLength = 128;

    /// <summary>How far after a name that names a secret its value may start (<c>"name":"X_TOKEN","value":</c>, the
    /// YAML <c>- name: X_TOKEN\n  value:</c>, <c>&lt;add key="DbPassword" value=</c>).</summary>
    private const int PairReach = 96;

    /// <summary>An OAuth authorization code in a query string (<c>?code=</c>) is at least this long; shorter values
    /// are status codes and the like.</summary>
    private const int MinQueryCode = 10;

    /// <summary>Header lines of a multipart part looked past before its blank line.</summary>
    private const int MaxPartHeaders = 4;

    // key=value and key: value in text (query strings, logfmt, connection strings, JSON or dicts logged as text)
    // where the key matches a key rule: the value goes.
    public static bool KeyValue<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        if (!TryKey(s, i, ref st, out var k, out var keyEnd))
        {
            return false;
        }

        var flags = st.Keys.Evaluate(s[k..keyEnd]);
        var secret = (flags & KeyFlags.Secret) != 0;
        if (!secret && (flags & KeyFlags.PairValue) != 0 && st.SecretNameEnd >= 0 && k >= st.SecretNameEnd && k - st.SecretNameEnd <= PairReach)
        {
            secret = true;
            st.SecretNameEnd = -1;
        }

        var queryCode = !secret && keyEnd - k == 4 && EqualsIgnoreCase(s, k, "code") && Get(s, k - 1) is '?' or '&';
        var pairName = !secret && (flags & KeyFlags.PairName) != 0;
        if (!secret && !queryCode && !pairName)
        {
            return false;
        }

        // key => value (PHP, Ruby) and key := value (Go).
        var start = Get(s, i + 1) == (C(s[i]) == '=' ? '>' : '=') ? i + 2 : i + 1;
        while (Get(s, start) == ' ')
        {
            start++;
        }

        st.Work += start - i;
        int end;
        var quoted = QuotedValue(s, ref st, ref start, out end);
        if (quoted)
        {
            // end is the closing quote (or the end of the text when it is missing: masked to the end).
        }
        else if (Get(s, start) == '[' && st.IndexOf(s[..Math.Min(s.Length, start + MaxMarkerLength)], start, "]"u8, "]") is > 0 and var close)
        {
            // Already a marker ("password=[redacted]"): masking twice gives the same text. Looked for only as far
            // as a marker or token reaches, or "password=[" repeated would search the rest of the value each time.
            end = close + 1;
        }
        else if (C(s[i]) == '=' && Get(s, start) == '{' && secret)
        {
            // ODBC quoting: PWD={a;b}}c} (a '}' inside is doubled).
            end = BraceEnd(s, ref st, start);
        }
        else if ((flags & KeyFlags.WholeLine) != 0 && secret)
        {
            // Cookie: a=1; PHPSESSID=…; connect.sid=…: every cookie of the header.
            end = SecretEnd(s, ref st, start, line: true);
        }
        else if (secret && C(s[i]) == '=' && AfterSemicolon(s, k))
        {
            // Inside a connection string (…;Password=…;): only ';' or the end of the line ends the value.
            end = start;
            while (end < s.Length && C(s[end]) is not (';' or '\r' or '\n'))
            {
                end++;
            }

            st.Work += end - start;
            while (end > start && C(s[end - 1]) == ' ')
            {
                end--;
            }
        }
        else
        {
            end = SecretEnd(s, ref st, start, line: false);
            if ((flags & KeyFlags.AuthHeader) != 0 && secret && Get(s, end) == ' ')
            {
                end = AuthCredential(s, ref st, ref start, end);
            }
            else if (!(C(s[i]) == '=' && (IsEnvironmentName(s, k, keyEnd) || C(s[k]) == '-')))
            {
                end = ClauseEnd(s, ref st, end);
            }
        }

        next = Math.Max(end, i + 1);
        if (end <= start)
        {
            return false;
        }

        if (pairName)
        {
            // A name: remember it when it names a secret, for the value that follows. Any other value is scanned
            // as text.
            next = i + 1;
            if ((st.Keys.Evaluate(s[start..end]) & KeyFlags.Secret) != 0)
            {
                st.SecretNameEnd = end;
                if (FormFieldValue(s, ref st, quoted ? end + 1 : end, out var valueStart, out var valueEnd))
                {
                    m = new ValueMatch(valueStart, valueEnd, MaskType.Key);
                    next = valueEnd;
                    return true;
                }
            }

            return false;
        }

        if ((queryCode && end - start < MinQueryCode) || NoSecretValue(s, start, end, quoted))
        {
            next = i + 1;
            return false;
        }

        m = new ValueMatch(start, end, MaskType.Key);
        next = end;
        return true;
    }

    /// <summary>A value that cannot hold a secret: an unquoted <c>true</c>/<c>false</c>/<c>null</c> or a signal name,
    /// quoted or not (<c>"sig": "SIGTERM"</c>).</summary>
    private static bool NoSecretValue<T>(ReadOnlySpan<T> s, int start, int end, bool quoted)
        where T : unmanaged, IBinaryInteger<T> =>
        quoted ? NoSecretValues.IsSignal(s, start, end) : NoSecretValues.IsUnquoted(s, start, end);

    /// <summary>The end of an unquoted secret. Space, tab, line breaks, <c>;</c> (connection strings, cookies) and
    /// <c>&amp;</c> (query strings) end it; <c>, ) ] } &gt; &lt;</c> and quotes end it only where nothing of a
    /// password follows them (the end, a space, another stop, the next <c>key=</c>): <c>password=abc&gt;35Vkn</c>
    /// and <c>Password=x,3tiE;</c> are masked whole, while <c>(password=abc)</c>, <c>"password=abc"}</c> and
    /// <c>pwd=abc,user=bob</c> keep their syntax. A backslash before a quote or a line-break letter ends it too (an
    /// escape of JSON inside the text). With <paramref name="line"/>, only the end of the line (or of the quoted text
    /// around it) ends it.</summary>
    public static int SecretEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int start, bool line)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = start;
        while (true)
        {
            var c = Get(s, end);
            if (c < ' ')
            {
                break;
            }

            if (c is ' ' or ';' or '&')
            {
                if (!line)
                {
                    break;
                }
            }
            else if (c == '\\' && Get(s, end + 1) is '"' or '\'' or 'n' or 'r' or 't')
            {
                break;
            }
            else if (IsSoftStop(c) && EndsAfterSoftStop(s, ref st, c, end + 1, line))
            {
                break;
            }

            end++;
        }

        st.Work += end - start;
        return end;
    }

    /// <summary>A quoted value at <paramref name="start"/>: <c>"…"</c>, <c>'…'</c> or <c>`…`</c> (MySQL), also with escaped quotes of
    /// JSON inside a string (<c>\"…\"</c>, <c>\\\"…\\\"</c>: it ends at a quote escaped as many times as the one that
    /// opened it), a doubled quote inside (<c>"a""b"</c>, connection strings) or an escaped one (<c>'it\'s'</c>).
    /// On success <paramref name="start"/> is the first character inside and <paramref name="end"/> the closing
    /// quote's escape or quote (the end of the text when it is missing).</summary>
    public static bool QuotedValue<T>(ReadOnlySpan<T> s, ref ScanState st, ref int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = start;
        if (IsUnicodeQuote(s, start))
        {
            var close = st.IndexOf(s, start + 6, "\\u00"u8, "\\u00");
            while (close >= 0 && !IsUnicodeQuote(s, close))
            {
                close = st.IndexOf(s, close + 1, "\\u00"u8, "\\u00");
            }

            start += 6;
            end = close < 0 ? s.Length : close;
            return true;
        }

        var q = start;
        while (Get(s, q) == '\\' && q - start < 8)
        {
            q++;
        }

        var escapes = q - start;
        var quote = Get(s, q);
        if (quote is not ('"' or '\'' or '`'))
        {
            return false;
        }

        var inside = q + 1;
        var j = inside;
        while (j < s.Length)
        {
            if (C(s[j]) != quote)
            {
                j++;
                continue;
            }

            var run = 0;
            while (j - run - 1 >= inside && C(s[j - run - 1]) == '\\')
            {
                run++;
            }

            if (escapes == 0 ? run % 2 == 0 : run == escapes)
            {
                if (escapes == 0 && Get(s, j + 1) == quote && j > inside)
                {
                    // "a""b": a doubled quote is part of the value.
                    j += 2;
                    continue;
                }

                break;
            }

            j++;
        }

        st.Work += j - start;
        start = inside;
        end = Math.Min(j, s.Length) - (j < s.Length ? escapes : 0);
        return true;
    }

    /// <summary>A quote escaped as <c>\u0022</c> or <c>\u0027</c>.</summary>
    private static bool IsUnicodeQuote<T>(ReadOnlySpan<T> s, int at)
        where T : unmanaged, IBinaryInteger<T> =>
        Get(s, at) == '\\' && Get(s, at + 1) == 'u' && Get(s, at + 2) == '0' && Get(s, at + 3) == '0' && Get(s, at + 4) == '2'
        && Get(s, at + 5) is '2' or '7';

    private static int BraceEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var j = start + 1;
        while (j < s.Length)
        {
            if (C(s[j]) == '}')
            {
                if (Get(s, j + 1) != '}')
                {
                    j++;
                    break;
                }

                j++;
            }

            j++;
        }

        st.Work += j - start;
        return Math.Min(j, s.Length);
    }

    private static bool AfterSemicolon<T>(ReadOnlySpan<T> s, int k)
        where T : unmanaged, IBinaryInteger<T>
    {
        var p = k - 1;
        while (p >= 0 && k - p < 4 && C(s[p]) == ' ')
        {
            p--;
        }

        return Get(s, p) == ';';
    }

    // PGPASSWORD=x psql … and --password=x status: a shell assignment's or option's value ends at its first space
    // (the command or its next argument follows).
    private static bool IsEnvironmentName<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = start; k < end; k++)
        {
            var c = C(s[k]);
            if (!IsUpper(c) && !IsDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSoftStop(int c) => c is ',' or ')' or ']' or '}' or '>' or '<' or '"' or '\'';

    private static bool EndsAfterSoftStop<T>(ReadOnlySpan<T> s, ref ScanState st, int stop, int at, bool line)
        where T : unmanaged, IBinaryInteger<T>
    {
        var d = Get(s, at);
        if (line)
        {
            // A whole header line ends only where the text around it closes (a quote before '}' or the end).
            return d < 0 || (stop is '"' or '\'' && d is '}' or ']' or ')');
        }

        if (d <= ' ' || IsSoftStop(d) || (stop == '<' && d == '/'))
        {
            return true;
        }

        return d is ';' or '&' || (stop == ',' && StartsPair(s, ref st, at));
    }

    /// <summary>After an authorization header's scheme word: the credential alone for a token scheme (<c>Bearer</c>,
    /// <c>Basic</c>, <c>Token</c>, <c>Negotiate</c>, <c>NTLM</c>), the rest of the line for a scheme with parameters
    /// (<c>Digest username="…", response="…"</c>, <c>OAuth oauth_signature="…"</c>, AWS SigV4): every parameter goes,
    /// the user name too (it may be personal data). Without a scheme the first words are the credential.</summary>
    private static int AuthCredential<T>(ReadOnlySpan<T> s, ref ScanState st, ref int start, int schemeEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        var credential = schemeEnd;
        while (Get(s, credential) == ' ')
        {
            credential++;
        }

        st.Work += credential - schemeEnd;
        var tokenScheme = IsTokenScheme(s, start, schemeEnd);
        if (!tokenScheme && !HasParameter(s, ref st, credential))
        {
            return ClauseEnd(s, ref st, schemeEnd);
        }

        start = credential;
        return tokenScheme ? ClauseEnd(s, ref st, SecretEnd(s, ref st, credential, line: false)) : SecretEnd(s, ref st, credential, line: true);
    }

    // name=value or name="value" right after the scheme (Digest, OAuth, AWS4-HMAC-SHA256 Credential=…).
    private static bool HasParameter<T>(ReadOnlySpan<T> s, ref ScanState st, int at)
        where T : unmanaged, IBinaryInteger<T>
    {
        var k = at;
        while (IsWord(Get(s, k)) || Get(s, k) == '-')
        {
            k++;
        }

        st.Work += k - at;
        return k > at && Get(s, k) == '=';
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

            st.Work += word - end;
            var c = Get(s, word);
            if (c < 0 || IsValueStop(c) || c is '(' or '[' or '{' or '|' || StartsPair(s, ref st, word))
            {
                break;
            }

            end = SecretEnd(s, ref st, word, line: false);
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

    /// <summary>The key before the <c>=</c> or <c>:</c> at <paramref name="i"/>: up to two spaces before the
    /// separator (<c>Password = x</c> in connection strings), a quoted key, also with escaped quotes of JSON inside
    /// a string (<c>\"password\":</c>).</summary>
    private static bool TryKey<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out int k, out int keyEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        keyEnd = i;
        while (i - keyEnd < 2 && keyEnd - 1 > st.Floor && C(s[keyEnd - 1]) == ' ')
        {
            keyEnd--;
        }

        var unicodeQuote = keyEnd - 6 >= st.Floor && IsUnicodeQuote(s, keyEnd - 6);
        if (unicodeQuote)
        {
            // \u0022password\u0022: (System.Text.Json writes quotes in strings so)
            keyEnd -= 6;
        }

        var keyQuote = Get(s, keyEnd - 1);
        var quoted = !unicodeQuote && keyQuote is '"' or '\'' && keyEnd - 1 >= st.Floor;
        if (quoted)
        {
            keyEnd--;
            var escapes = 0;
            while (escapes < 8 && keyEnd - 1 > st.Floor && C(s[keyEnd - 1]) == '\\')
            {
                keyEnd--;
                escapes++;
            }
        }

        k = keyEnd;
        while (k > st.Floor && (IsWord(C(s[k - 1])) || C(s[k - 1]) is '-' or '.') && !(unicodeQuote && IsUnicodeQuote(s, k - 6)))
        {
            k--;
        }

        st.Work += i - k;
        if (k == keyEnd)
        {
            return false;
        }

        return unicodeQuote ? IsUnicodeQuote(s, k - 6) : !quoted || Get(s, k - 1) == keyQuote;
    }

    /// <summary>A multipart form field: after <c>name="password"</c> (and its line), a blank line, then the value
    /// to the end of its line.</summary>
    private static bool FormFieldValue<T>(ReadOnlySpan<T> s, ref ScanState st, int at, out int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        start = end = at;
        if (!LineBreak(s, at, out var line))
        {
            return false;
        }

        // The part's own header lines (Content-Type: text/plain, Content-Transfer-Encoding: …) may come before the
        // blank line.
        for (var headers = 0; !LineBreak(s, line, out start); headers++)
        {
            var name = line;
            while (IsAlnum(Get(s, name)) || Get(s, name) == '-')
            {
                name++;
            }

            if (headers == MaxPartHeaders || name == line || Get(s, name) != ':')
            {
                st.Work += name - at;
                return false;
            }

            var lineEnd = LineEnd(s, name);
            if (!LineBreak(s, lineEnd, out line))
            {
                st.Work += lineEnd - at;
                return false;
            }
        }

        end = LineEnd(s, start);
        st.Work += end - at;
        return end > start;
    }

    /// <summary>The first line break (raw or escaped) at or after <paramref name="p"/>.</summary>
    private static int LineEnd<T>(ReadOnlySpan<T> s, int p)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (p < s.Length && C(s[p]) is not ('\r' or '\n') && !(C(s[p]) == '\\' && Get(s, p + 1) is 'r' or 'n'))
        {
            p++;
        }

        return p;
    }

    // \r\n or \n, real or escaped as text (\\r\\n) in JSON inside a string.
    private static bool LineBreak<T>(ReadOnlySpan<T> s, int at, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        next = at;
        if (Get(s, next) == '\r')
        {
            next++;
        }
        else if (Get(s, next) == '\\' && Get(s, next + 1) == 'r')
        {
            next += 2;
        }

        if (Get(s, next) == '\n')
        {
            next++;
            return true;
        }

        if (Get(s, next) == '\\' && Get(s, next + 1) == 'n')
        {
            next += 2;
            return true;
        }

        return false;
    }

    private static bool IsTokenScheme<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T> =>
        (end - start) switch
        {
            4 => EqualsIgnoreCase(s, start, "NTLM"),
            5 => EqualsIgnoreCase(s, start, "Basic") || EqualsIgnoreCase(s, start, "Token"),
            6 => EqualsIgnoreCase(s, start, "Bearer"),
            9 => EqualsIgnoreCase(s, start, "Negotiate"),
            _ => false,
        };
}
