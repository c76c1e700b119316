using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Tokens recognised by their shape or prefix: JWTs, and API keys of AWS, Google, OpenAI/Anthropic,
/// Stripe, Slack and GitHub.</summary>
internal static class TokenDetector
{
    // header.payload.signature, each base64url, the header starting with eyJ ('{"').
    public static bool Jwt<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        var start = i - 2;
        if ((st.On & MaskPatterns.Jwt) == 0 || start < st.Floor || C(s[i - 1]) != 'y' || C(s[start]) != 'e'
            || IsBase64Url(Get(s, start - 1)))
        {
            return false;
        }

        var e1 = st.Base64UrlEnd(s, start);
        if (e1 - start < 10 || Get(s, e1) != '.')
        {
            return false;
        }

        var e2 = st.Base64UrlEnd(s, e1 + 1);
        if (e2 - e1 - 1 < 2 || Get(s, e2) != '.')
        {
            return false;
        }

        var e3 = st.Base64UrlEnd(s, e2 + 1);
        m = new ValueMatch(start, e3, MaskType.Jwt);
        return true;
    }

    public static bool AwsOrGoogleKey<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.ApiKey) == 0 || IsWord(Get(s, i - 1)))
        {
            return false;
        }

        int c1 = Get(s, i + 1), c2 = Get(s, i + 2), c3 = Get(s, i + 3);
        if (((c1 == 'K' || c1 == 'S') && c2 == 'I' && c3 == 'A'))
        {
            var end = st.UpperAlnumEnd(s, i + 4);
            if (end - i - 4 == 16 && !IsWord(Get(s, end)))
            {
                m = new ValueMatch(i, end, MaskType.ApiKey);
                return true;
            }
        }
        else if (c1 == 'I' && c2 == 'z' && c3 == 'a')
        {
            var end = st.Base64UrlEnd(s, i + 4);
            if (end - i - 4 >= 30)
            {
                m = new ValueMatch(i, end, MaskType.ApiKey);
                return true;
            }
        }

        return false;
    }

    // sk-... / sk-proj-... (OpenAI, Anthropic), sk_live_/sk_test_/rk_live_ (Stripe).
    public static bool SkKey<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        var start = i - 1;
        var p = Get(s, start);
        if ((st.On & MaskPatterns.ApiKey) == 0 || start < st.Floor || p is not ('s' or 'r') || IsWord(Get(s, start - 1)))
        {
            return false;
        }

        var dash = Get(s, i + 1);
        int end;
        if (dash == '-' && p == 's')
        {
            end = st.Base64UrlEnd(s, i + 2);
            if (end - i - 2 < 20)
            {
                return false;
            }
        }
        else if (dash == '_' && (EqualsIgnoreCase(s, i + 2, "live_") || EqualsIgnoreCase(s, i + 2, "test_")))
        {
            end = st.AlnumEnd(s, i + 7);
            if (end - i - 7 < 10)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        m = new ValueMatch(start, end, MaskType.ApiKey);
        next = end;
        return true;
    }

    // xoxb-/xoxp-/xoxa-/xoxs-/xoxe-/xoxr- Slack tokens.
    public static bool SlackToken<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.ApiKey) == 0 || IsWord(Get(s, i - 1)) || Get(s, i + 1) != 'o' || Get(s, i + 2) != 'x'
            || Get(s, i + 3) is not ('b' or 'p' or 'a' or 's' or 'e' or 'r') || Get(s, i + 4) != '-')
        {
            return false;
        }

        var end = i + 5;
        while (end < s.Length && (IsAlnum(C(s[end])) || C(s[end]) == '-'))
        {
            end++;
        }

        st.Work += end - i;

        if (end - i - 5 < 10)
        {
            return false;
        }

        m = new ValueMatch(i, end, MaskType.ApiKey);
        next = end;
        return true;
    }

    // ghp_/gho_/ghu_/ghs_/ghr_ and github_pat_ tokens (the anchor is the first underscore).
    public static bool GitHubToken<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.ApiKey) == 0)
        {
            return false;
        }

        if (i - 3 >= st.Floor && Get(s, i - 3) == 'g' && Get(s, i - 2) == 'h' && Get(s, i - 1) is 'p' or 'o' or 'u' or 's' or 'r'
            && !IsWord(Get(s, i - 4)))
        {
            var end = st.AlnumEnd(s, i + 1);
            if (end - i - 1 >= 30)
            {
                m = new ValueMatch(i - 3, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }
        else if (i - 6 >= st.Floor && EqualsIgnoreCase(s, i - 6, "github") && EqualsIgnoreCase(s, i, "_pat_") && !IsWord(Get(s, i - 7)))
        {
            var end = i + 5;
            while (end < s.Length && IsWord(C(s[end])))
            {
                end++;
            }

            st.Work += end - i;

            if (end - i - 5 >= 20)
            {
                m = new ValueMatch(i - 6, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }

        return false;
    }
}
