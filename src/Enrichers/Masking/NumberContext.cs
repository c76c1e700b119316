using System.Numerics;
using System.Runtime.CompilerServices;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>What surrounds a number in text, read the same way on UTF-8 bytes and UTF-16 chars: the separators
/// inside a grouped number, a unit or a list around it, and the key or words just before it. The number
/// detectors decide with this context instead of ever longer patterns: the same digits are a phone after
/// <c>phone:</c>, a latency before <c>ms</c>, an identifier after <c>trace_id=</c>, a version after
/// <c>agent/</c>. Every look is bounded by a constant, so a candidate costs O(1) beyond its own length.</summary>
internal static class NumberContext
{
    /// <summary>How far back the key before a value is looked for (its words and separators).</summary>
    private const int KeyReach = 48;

    /// <summary>How far back a measurement word is looked for, in characters (code points, so that UTF-8 bytes and
    /// UTF-16 chars reach the same text).</summary>
    private const int MeasurementReach = 40;

    // Words after which a group of numbers is a measurement, not a phone or an ID.
    private static readonly string[] MeasurementWords =
    [
        "latency", "latencies", "duration", "durations", "took", "elapsed", "timing", "timings", "percentiles", "p50",
        "p75", "p90", "p95", "p99", "p999", "avg", "mean", "median", "rtt", "ttfb", "ms", "bytes", "sizes", "ports", "samples",
    ];

    // Units after a number: time, size, rate, count.
    private static readonly string[] Units =
    [
        "ms", "s", "sec", "secs", "second", "seconds", "us", "ns", "min", "mins", "minutes", "h", "hr", "hrs", "hours",
        "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "byte", "bytes", "tokens", "req", "reqs", "requests", "rps",
        "qps", "ops", "tps",
    ];

    /// <summary>A separator inside a grouped number at <paramref name="pos"/>: its length in code units (0 when
    /// there is none) and its kind: the separator's code point, the same in UTF-8 and UTF-16 — <c>' '</c>, the no-break,
    /// narrow no-break, figure and thin spaces (U+00A0, U+202F, U+2007, U+2009; <see cref="IsSpaceKind"/> tells the
    /// spaces), <c>'-'</c>, <c>'.'</c>, <c>'+'</c> (a form-encoded space) or <c>'%'</c> (<c>%20</c>). A number's groups
    /// are joined by one kind.</summary>
    public static int Separator<T>(ReadOnlySpan<T> s, int pos, out int kind)
        where T : unmanaged, IBinaryInteger<T>
    {
        kind = Get(s, pos);
        switch (kind)
        {
            case ' ' or '-' or '.' or '+':
                return 1;
            case '%':
                return Get(s, pos + 1) == '2' && Get(s, pos + 2) == '0' ? 3 : 0;
            case < 0x80:
                return 0;
        }

        if (typeof(T) == typeof(char))
        {
            return kind is 0xA0 or 0x202F or 0x2007 or 0x2009 ? 1 : 0;
        }

        // UTF-8: C2 A0, E2 80 AF, E2 80 87, E2 80 89.
        if (kind == 0xC2)
        {
            kind = 0xA0;
            return Get(s, pos + 1) == 0xA0 ? 2 : 0;
        }

        var third = Get(s, pos + 2);
        kind = 0x2000 | (third & 0x3F);
        return kind is 0x202F or 0x2007 or 0x2009 && Get(s, pos) == 0xE2 && Get(s, pos + 1) == 0x80 ? 3 : 0;
    }

    /// <summary>True for the kinds of <see cref="Separator"/> that are spaces.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSpaceKind(int kind) => kind == ' ' || kind >= 0x80;

    /// <summary>True when a unit follows the number ending at <paramref name="end"/> (right after it or after one
    /// space): <c>832 753 5866 ms</c>, <c>125-750-1000ms</c>, <c>12 %</c>.</summary>
    public static bool UnitAfter<T>(ReadOnlySpan<T> s, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var pos = end;
        var sep = Separator(s, pos, out var kind);
        if (sep > 0 && IsSpaceKind(kind))
        {
            pos += sep;
        }

        var c = Get(s, pos);
        if (c == '%')
        {
            return true;
        }

        // µs: MICRO SIGN, U+00B5 (UTF-8 C2 B5).
        var micro = typeof(T) == typeof(char) ? (c == 0xB5 ? 1 : 0) : (c == 0xC2 && Get(s, pos + 1) == 0xB5 ? 2 : 0);
        if (micro > 0)
        {
            return Get(s, pos + micro) is 's' or 'S' && !IsAlnum(Get(s, pos + micro + 1));
        }

        var wordEnd = pos;
        while (IsLetter(Get(s, wordEnd)) && wordEnd - pos <= 8)
        {
            wordEnd++;
        }

        if (wordEnd == pos || IsAlnum(Get(s, wordEnd)))
        {
            return false;
        }

        foreach (var unit in Units)
        {
            if (unit.Length == wordEnd - pos && EqualsIgnoreCase(s, pos, unit))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the number [<paramref name="start"/>, <paramref name="end"/>) is one of a list of numbers
    /// joined by the same space-like separator (<c>832 753 5866 1021</c>): a digit right before or after it across one
    /// such separator.</summary>
    public static bool InSpacedList<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (Separator(s, end, out var kind) is > 0 and var after && IsSpaceKind(kind) && IsDigit(Get(s, end + after)))
        {
            return true;
        }

        // A separator before the start: one unit (ASCII space, or a UTF-16 no-break space), or the last byte of a
        // UTF-8 one, whose first byte is then 1 or 2 before it.
        for (var len = 1; len <= 3 && start - len - 1 >= 0; len++)
        {
            if (Separator(s, start - len, out kind) == len && IsSpaceKind(kind))
            {
                return IsDigit(Get(s, start - len - 1));
            }
        }

        return false;
    }

    /// <summary>True when a measurement word (<c>latency</c>, <c>took</c>, <c>p99</c>…) stands in the few words before
    /// <paramref name="start"/>.</summary>
    public static bool MeasurementWordBefore<T>(ReadOnlySpan<T> s, int start, ref ScanState st)
        where T : unmanaged, IBinaryInteger<T>
    {
        var reach = MeasurementReach;
        var pos = start;
        while (pos > 0 && reach > 0)
        {
            while (pos > 0 && reach > 0 && !IsAlnum(Get(s, pos - 1)))
            {
                pos--;
                reach -= StartsCodePoint<T>(Get(s, pos)) ? 1 : 0;
            }

            var wordEnd = pos;
            while (pos > 0 && reach > 0 && IsAlnum(Get(s, pos - 1)))
            {
                pos--;
                reach--;
            }

            if (wordEnd > pos && !IsAlnum(Get(s, pos - 1)))
            {
                foreach (var word in MeasurementWords)
                {
                    if (word.Length == wordEnd - pos && EqualsIgnoreCase(s, pos, word))
                    {
                        st.Work += start - pos;
                        return true;
                    }
                }
            }
        }

        st.Work += start - pos;
        return false;
    }

    /// <summary>True when the code unit <paramref name="c"/> starts a character: not a UTF-8 continuation byte, not the
    /// low half of a UTF-16 surrogate pair. Bounds counted in characters this way reach the same text in both.</summary>
    public static bool StartsCodePoint<T>(int c)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte) ? (c & 0xC0) != 0x80 : c is < 0xDC00 or > 0xDFFF;

    /// <summary>True when a group of numbers reads as a measurement: a unit after it, a list of numbers around it, or
    /// a measurement word before it.</summary>
    public static bool IsMeasurement<T>(ReadOnlySpan<T> s, int start, int end, ref ScanState st)
        where T : unmanaged, IBinaryInteger<T> =>
        UnitAfter(s, end) || InSpacedList(s, start, end) || MeasurementWordBefore(s, start, ref st);

    /// <summary>The key rules' verdict on the key in text right before a value that starts at
    /// <paramref name="start"/>: <c>key=</c>, <c>key: </c>, <c>"key":"</c>, <c>'key': '</c>, or up to three words
    /// before it (<c>caller id +1…</c>, <c>social security number 123 45 6789</c>, <c>build 2.17.8.231</c>).
    /// <see cref="KeyFlags.None"/> when there is none.</summary>
    public static KeyFlags KeyBefore<T>(ReadOnlySpan<T> s, int start, ref ScanState st)
        where T : unmanaged, IBinaryInteger<T>
    {
        var limit = Math.Max(0, start - KeyReach);
        var j = start - 1;
        if (Get(s, j) is '"' or '\'')
        {
            j--;
        }

        var spaces = 0;
        while (j > limit && Get(s, j) == ' ' && spaces < 2)
        {
            j--;
            spaces++;
        }

        if (Get(s, j) is '=' or ':')
        {
            j--;
            while (j > limit && Get(s, j) == ' ')
            {
                j--;
            }

            if (Get(s, j) is '"' or '\'')
            {
                j--;
            }
        }
        else if (spaces == 0)
        {
            return KeyFlags.None;
        }

        var end = j + 1;

        // The rules' verdict is None at once when the name's last two characters end no rule and its last is a letter
        // (KeyNameRules.MayEndWith); the walk below would reach both, so the words before them need not be found.
        int last = Get(s, end - 1), beforeLast = Get(s, end - 2);
        if (end - 2 >= limit && IsLetter(last) && (IsWord(beforeLast) || beforeLast is '-' or '.') && !st.Keys.MayEndWith(beforeLast, last))
        {
            return KeyFlags.None;
        }

        var k = end;
        for (var words = 1; ; words++)
        {
            var wordEnd = k;
            while (k > limit && (IsWord(Get(s, k - 1)) || Get(s, k - 1) is '-' or '.'))
            {
                k--;
            }

            if (k == wordEnd || words == 3 || k - 2 < limit || Get(s, k - 1) != ' ' || !IsLetter(Get(s, k - 2)))
            {
                break;
            }

            k--;
        }

        while (k < end && Get(s, k) == ' ')
        {
            k++;
        }

        st.Work += start - k;
        return k < end && !IsWord(Get(s, k - 1)) ? st.Keys.Evaluate(s[k..end]) : KeyFlags.None;
    }

    /// <summary>True when the dotted quad at <paramref name="start"/> is a product version: right after
    /// <c>product/</c> as in a user agent (<c>agent/1.2.3.4</c>), where the product is a word that does not itself
    /// follow a '/' or '.' (so <c>http://8.8.8.8</c> and <c>/lookup/81.2.69.160</c> are addresses).</summary>
    public static bool AfterProductSlash<T>(ReadOnlySpan<T> s, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (Get(s, start - 1) != '/')
        {
            return false;
        }

        var k = start - 1;
        var limit = Math.Max(0, start - KeyReach);
        while (k > limit && (IsWord(Get(s, k - 1)) || Get(s, k - 1) == '-'))
        {
            k--;
        }

        return k < start - 1 && IsLetter(Get(s, k)) && Get(s, k - 1) is not ('/' or '.' or ':') && !IsWord(Get(s, k - 1));
    }
}
