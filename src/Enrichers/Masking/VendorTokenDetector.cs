using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Credentials known by a prefix with a separator (<see cref="VendorTokenRules"/>): the anchor is the
/// prefix's first separator, the head is looked up behind it, the body read once ahead.</summary>
internal static class VendorTokenDetector
{
    public static bool Prefixed<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & (MaskPatterns.ApiKey | MaskPatterns.Key)) == 0)
        {
            return false;
        }

        var rules = VendorTokenRules.Candidates(C(s[i]), Get(s, i - 1));
        foreach (var rule in rules)
        {
            var head = i - rule.Head.Length;
            var type = rule.Type == MaskType.ApiKey ? MaskPatterns.ApiKey : MaskPatterns.Key;
            if (head < st.Floor || (st.On & type) == 0 || !EqualsOrdinal(s, head, rule.Head))
            {
                continue;
            }

            var bodyStart = i + 1;
            if (rule.Tail.Length > 0)
            {
                if (!(rule.TailIgnoresCase ? EqualsIgnoreCase(s, bodyStart, rule.Tail) : EqualsOrdinal(s, bodyStart, rule.Tail)))
                {
                    continue;
                }

                bodyStart += rule.Tail.Length;
            }

            var end = BodyEnd(s, ref st, bodyStart, rule.Body);
            var length = end - bodyStart;
            if (length < rule.MinLength || length > rule.MaxLength)
            {
                continue;
            }

            // At a word boundary; glued to other text only when its checksum says it is one (GitHub, npm).
            if (IsWord(Get(s, head - 1)) && !(rule.Crc32 && Checksums.Base62Crc32(s, bodyStart, end)))
            {
                continue;
            }

            m = new ValueMatch(rule.KeepPrefix ? bodyStart : head, end, rule.Type);
            next = end;
            return true;
        }

        return false;
    }

    public static int BodyEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int start, TokenBody body)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = start;
        while (end < s.Length && InBody(C(s[end]), body))
        {
            end++;
        }

        st.Work += end - start;
        return end;
    }

    private static bool InBody(int c, TokenBody body) => body switch
    {
        TokenBody.Alnum => IsAlnum(c),
        TokenBody.Word => IsWord(c),
        TokenBody.Base64Url => IsBase64Url(c),
        TokenBody.Dotted => IsBase64Url(c) || c == '.',
        TokenBody.Hex => IsHex(c),
        TokenBody.Path => IsBase64Url(c) || c == '/',
        _ => IsAlnum(c) || c is '.' or '/' or '+' or '$' or '=' or ',' or '-',
    };
}
