using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>The text of an XML element whose name matches a secret key rule: <c>&lt;Password&gt;…&lt;/Password&gt;</c>,
/// <c>&lt;ns:ApiKey&gt;…</c>, also in CDATA. The anchor is the <c>&gt;</c> of the opening tag; an element with
/// attributes (<c>&lt;Password type="x"&gt;</c>) is not recognised.</summary>
internal static class XmlElementDetector
{
    public static bool Element<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        var k = i;
        while (k > st.Floor && (IsWord(C(s[k - 1])) || C(s[k - 1]) is '-' or '.' or ':'))
        {
            k--;
        }

        st.Work += i - k;
        if (k == i || Get(s, k - 1) != '<' || (st.Keys.Evaluate(s[k..i]) & KeyFlags.Secret) == 0)
        {
            return false;
        }

        var start = i + 1;
        int end;
        if (EqualsOrdinal(s, start, "<![CDATA["))
        {
            start += 9;
            end = st.IndexOf(s, start, "]]>"u8, "]]>");
        }
        else
        {
            end = st.IndexOf(s, start, "<"u8, "<");
        }

        if (end < 0)
        {
            end = s.Length;
        }

        if (end <= start)
        {
            return false;
        }

        m = new ValueMatch(start, end, MaskType.Key);
        next = end;
        return true;
    }
}
