using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Passwords written as words rather than pairs: <c>my password is hunter2</c>, <c>password was set to
/// …</c>, SQL <c>WITH PASSWORD '…'</c>, <c>PASSWORD('…')</c>, <c>IDENTIFIED BY '…'</c>, command-line
/// <c>--password …</c>. The anchor is the <c>w</c> of <c>password</c>/<c>passwd</c>/<c>pwd</c> (or the quote after
/// <c>BY</c>); a word that only describes the password (<c>is incorrect</c>, <c>was reset</c>) is not taken for
/// it.</summary>
internal static class PhraseDetector
{
    /// <summary>Words after "password is/was" that describe it rather than give it.</summary>
    private static readonly string[] Descriptions =
    [
        "a", "an", "the", "not", "no", "too", "incorrect", "invalid", "wrong", "required", "missing", "empty", "blank",
        "expired", "correct", "valid", "set", "reset", "changed", "updated", "being", "been", "weak", "strong", "null",
        "none", "nil", "undefined", "ok", "fine", "hidden", "masked", "redacted", "stored", "saved", "used", "also",
        "still", "now", "already", "only", "mandatory", "optional", "needed", "unchanged", "accepted", "rejected",
        "locked", "disabled", "enabled", "provided", "present", "absent", "short", "long", "same", "different",
        "case", "at", "in", "for", "of", "on", "to", "from", "with", "by", "and", "or", "but", "that", "which",
        "about", "due", "going", "ready", "sent", "known", "unknown", "encrypted", "hashed", "secure", "insecure",
    ];

    public static bool PasswordWord<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        int start, end;
        if (i - 4 >= st.Floor && EqualsIgnoreCase(s, i - 4, "password"))
        {
            (start, end) = (i - 4, i + 4);
        }
        else if (i - 4 >= st.Floor && EqualsIgnoreCase(s, i - 4, "passwd"))
        {
            (start, end) = (i - 4, i + 2);
        }
        else if (i - 1 >= st.Floor && EqualsIgnoreCase(s, i - 1, "pwd"))
        {
            (start, end) = (i - 1, i + 2);
        }
        else
        {
            return false;
        }

        if (IsAlnum(Get(s, start - 1)) || IsAlnum(Get(s, end)))
        {
            return false;
        }

        next = end;
        var flag = Get(s, start - 1) == '-' && Get(s, start - 2) is '-' or ' ' or -1;
        var p = end;
        while (Get(s, p) == ' ')
        {
            p++;
        }

        st.Work += p - end;
        if (p == end && Get(s, p) != '(')
        {
            return false;
        }

        var c = Get(s, p);
        if (c == '(' && Get(s, p + 1) is '\'' or '"')
        {
            // PASSWORD('…')
            p++;
        }

        if (KeyValueDetector.QuotedValue(s, ref st, ref p, out var valueEnd))
        {
            return Found(p, valueEnd, out m, out next);
        }

        if (!flag)
        {
            // "is", "was", "=" (after a space), then perhaps "set to" / "changed to" / "now".
            var word = WordEnd(s, p);
            if (!(word - p == 2 && EqualsIgnoreCase(s, p, "is")) && !(word - p == 3 && EqualsIgnoreCase(s, p, "was")))
            {
                return false;
            }

            p = SkipSpaces(s, ref st, word);
            var w = WordEnd(s, p);
            if (IsAnyIgnoreCase(s, p, w, ["set", "changed", "reset", "updated"]) && SkipSpaces(s, ref st, w) is var to
                && WordEnd(s, to) - to == 2 && EqualsIgnoreCase(s, to, "to"))
            {
                p = SkipSpaces(s, ref st, to + 2);
            }
            else if (IsDescription(s, p, w))
            {
                return false;
            }

            if (KeyValueDetector.QuotedValue(s, ref st, ref p, out valueEnd))
            {
                return Found(p, valueEnd, out m, out next);
            }
        }

        var value = KeyValueDetector.SecretEnd(s, ref st, p, line: false);
        return value > p && Found(p, value, out m, out next);
    }

    /// <summary><c>IDENTIFIED BY '…'</c>, <c>"…"</c> or <c>`…`</c> (also <c>IDENTIFIED WITH mysql_native_password BY
    /// '…'</c>): the anchor is the quote. MySQL takes a password in double quotes unless ANSI_QUOTES is set.</summary>
    public static bool IdentifiedBy<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        var by = i - 1;
        while (by > st.Floor && i - by < 4 && C(s[by]) == ' ')
        {
            by--;
        }

        if (by == i - 1 || by - 1 < st.Floor || !EqualsIgnoreCase(s, by - 1, "by") || IsAlnum(Get(s, by - 2)))
        {
            return false;
        }

        var w = by - 2;
        while (w > st.Floor && by - w < 6 && C(s[w]) == ' ')
        {
            w--;
        }

        // The word before BY: IDENTIFIED, or a plugin whose name ends with "password".
        if (!(w - 9 >= st.Floor && EqualsIgnoreCase(s, w - 9, "identified")) && !(w - 7 >= st.Floor && EqualsIgnoreCase(s, w - 7, "password")))
        {
            return false;
        }

        var p = i;
        if (!KeyValueDetector.QuotedValue(s, ref st, ref p, out var end))
        {
            return false;
        }

        return Found(p, end, out m, out next);
    }

    private static bool Found(int start, int end, out ValueMatch m, out int next)
    {
        m = new ValueMatch(start, end, MaskType.Key);
        next = Math.Max(end, start + 1);
        return end > start;
    }

    private static int SkipSpaces<T>(ReadOnlySpan<T> s, ref ScanState st, int p)
        where T : unmanaged, IBinaryInteger<T>
    {
        var from = p;
        while (Get(s, p) == ' ')
        {
            p++;
        }

        st.Work += p - from;
        return p;
    }

    private static int WordEnd<T>(ReadOnlySpan<T> s, int p)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = p;
        while (IsLetter(Get(s, end)) && end - p < 16)
        {
            end++;
        }

        return end;
    }

    private static bool IsDescription<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (end == start || IsAlnum(Get(s, end)))
        {
            return false;
        }

        return IsAnyIgnoreCase(s, start, end, Descriptions);
    }
}
