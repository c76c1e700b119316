using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Credentials after an HTTP authorization scheme (<c>Bearer</c>, <c>Basic</c>) and PEM private keys.</summary>
internal static class CredentialDetector
{
    public static bool BearerOrPem<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        var scheme = EqualsIgnoreCase(s, i + 1, "earer") ? 6 : EqualsIgnoreCase(s, i + 1, "asic") ? 5 : 0;
        if ((st.On & MaskPatterns.Bearer) != 0 && scheme > 0 && !IsWord(Get(s, i - 1)) && Get(s, i + scheme) is ' ' or '\t')
        {
            // Bearer <token> and Basic <base64 user:password> (HTTP authorization schemes).
            var p = i + scheme;
            while (Get(s, p) is ' ' or '\t')
            {
                p++;
            }

            var end = p;
            var plainWord = true;
            while (end < s.Length && IsTokenChar(C(s[end])))
            {
                plainWord &= IsLetter(C(s[end]));
                end++;
            }

            st.Work += end - i;

            // "Bearer authentication failed" names the scheme; a credential is long or not a plain word.
            var length = end - p;
            if (length >= 8 && (length >= 16 || !plainWord))
            {
                m = new ValueMatch(p, end, MaskType.Bearer);
                next = end;
                return true;
            }
        }

        if ((st.On & MaskPatterns.PrivateKey) != 0 && C(s[i]) == 'B' && i - 5 >= st.Floor && EqualsIgnoreCase(s, i + 1, "EGIN")
            && EqualsIgnoreCase(s, i - 5, "-----"))
        {
            var header = st.IndexOf(s, i + 5, "-----"u8, "-----");
            if (header < 0 || st.IndexOf(s[..header], i, "PRIVATE KEY"u8, "PRIVATE KEY") < 0)
            {
                return false;
            }

            // No END line (a truncated message): everything after BEGIN is key material.
            var endMark = st.IndexOf(s, header + 5, "-----END"u8, "-----END");
            var close = endMark < 0 ? -1 : st.IndexOf(s, endMark + 8, "-----"u8, "-----");
            var end = close < 0 ? s.Length : close + 5;
            m = new ValueMatch(i - 5, end, MaskType.PrivateKey);
            return true;
        }

        return false;
    }
}
