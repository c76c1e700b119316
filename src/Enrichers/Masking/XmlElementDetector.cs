using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>The text of an XML element whose name matches a secret key rule: <c>&lt;Password&gt;…&lt;/Password&gt;</c>,
/// <c>&lt;ns:ApiKey&gt;…</c>, <c>&lt;Password encrypted="false"&gt;…</c>, also in CDATA. The anchor is the <c>&gt;</c>
/// of the opening tag.</summary>
internal static class XmlElementDetector
{
    /// <summary>The longest opening tag looked at (name and attributes).</summary>
    private const int MaxTagLength = 256;

    public static bool Element<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        // The opening tag's '<', looked for back to the previous '<' or '>' (so each character is read by one '>')
        // and at most MaxTagLength: attributes may stand between the name and the '>'.
        if (Get(s, i - 1) == '/')
        {
            return false;
        }

        var lt = i - 1;
        while (lt >= st.Floor && i - lt <= MaxTagLength && C(s[lt]) is not ('<' or '>'))
        {
            lt--;
        }

        st.Work += i - lt;
        if (lt < st.Floor || Get(s, lt) != '<')
        {
            return false;
        }

        var k = lt + 1;
        var nameEnd = k;
        while (nameEnd < i && (IsWord(C(s[nameEnd])) || C(s[nameEnd]) is '-' or '.' or ':'))
        {
            nameEnd++;
        }

        if (nameEnd == k || (nameEnd < i && C(s[nameEnd]) is not (' ' or '\t' or '\r' or '\n'))
            || (st.Keys.Evaluate(s[k..nameEnd]) & KeyFlags.Secret) == 0)
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
