using System.Numerics;
using System.Runtime.CompilerServices;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Tokens recognised by their shape or by a prefix with no separator: JWTs, AWS access key IDs (and the
/// secret key next to one), Google API keys, Atlassian API tokens, Databricks and Twilio keys, base64-encoded PEM
/// private keys (Kubernetes Secrets). Prefixes with a separator are rows of <see cref="VendorTokenRules"/>.</summary>
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

    /// <summary>How far after an AWS access key ID its secret key is looked for (<c>AKIA… / wJalr…</c>, CSV
    /// columns, <c>id=AKIA… secret=…</c>).</summary>
    private const int AwsSecretReach = 96;

    /// <summary>The start of <c>base64("-----BEGIN")</c>: a PEM block encoded whole, as Kubernetes Secrets hold
    /// <c>tls.key</c> and <c>ssh-privatekey</c>.</summary>
    private const string Base64PemStart = "LS0tLS1CRUdJTi";

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
                next = end;
                AwsSecretAhead(s, ref st, end);
                return true;
            }
        }
        else if (c1 == 'I' && c2 == 'z' && c3 == 'a')
        {
            var end = st.Base64UrlEnd(s, i + 4);
            if (end - i - 4 >= 30)
            {
                m = new ValueMatch(i, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }
        else if (c1 == 'T' && c2 == 'A' && c3 == 'T' && Get(s, i + 4) == 'T')
        {
            // Atlassian API token: ATATT then ~180 base64url characters and '='.
            var end = st.Base64UrlEnd(s, i + 5);
            while (Get(s, end) == '=')
            {
                end++;
            }

            if (end - i - 5 >= 60)
            {
                m = new ValueMatch(i, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }

        return false;
    }

    /// <summary>False only when <see cref="Glued{T}(ReadOnlySpan{T}, int, ref ScanState, out ValueMatch, out int)"/> at
    /// <paramref name="i"/> would return false at once, with no work counted: the word starts at <paramref name="i"/>
    /// (no letter or digit before it) with none of the glued prefixes' first letters. The letter anchors of plain words
    /// (<c>/workspaces</c>) then cost no call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool MayBeGlued<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => IsAlnum(Get(s, i - 1)) || C(s[i]) is 'd' or 'S' or 'L';

    /// <summary>Tokens whose prefix is glued to their body, tried on a word the scan would otherwise skip
    /// (<paramref name="i"/> is inside it): Databricks <c>dapi</c> + 32 hex, Twilio API key <c>SK</c> + 32 hex,
    /// a base64-encoded PEM private key.</summary>
    public static bool Glued<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i;
        if ((st.On & (MaskPatterns.ApiKey | MaskPatterns.PrivateKey)) == 0)
        {
            return false;
        }

        // The word's start, looked for a short way back (the prefixes are short and the anchor is near them).
        var start = i;
        while (start > st.Floor && i - start < 16 && IsAlnum(C(s[start - 1])))
        {
            start--;
        }

        st.Work += i - start;
        if (IsAlnum(Get(s, start - 1)) || Get(s, start - 1) is '_')
        {
            return false;
        }

        var first = Get(s, start);
        if (first == 'd' && (st.On & MaskPatterns.ApiKey) != 0 && EqualsIgnoreCase(s, start, "dapi"))
        {
            var end = HexEnd(s, ref st, start + 4);
            if (end - start - 4 == 32 && !IsAlnum(Get(s, end)))
            {
                if (Get(s, end) == '-' && IsDigit(Get(s, end + 1)))
                {
                    end += 2;
                }

                m = new ValueMatch(start, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }
        else if (first == 'S' && Get(s, start + 1) == 'K' && (st.On & MaskPatterns.ApiKey) != 0)
        {
            var end = HexEnd(s, ref st, start + 2);
            if (end - start - 2 == 32 && !IsAlnum(Get(s, end)))
            {
                m = new ValueMatch(start, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }
        else if (first == 'L' && (st.On & MaskPatterns.PrivateKey) != 0 && EqualsOrdinal(s, start, Base64PemStart)
            && IsBase64PrivateKey(s, start))
        {
            var end = start;
            while (end < s.Length && (IsAlnum(C(s[end])) || C(s[end]) is '+' or '/' or '='))
            {
                end++;
            }

            st.Work += end - start;
            m = new ValueMatch(start, end, MaskType.PrivateKey);
            next = end;
            return true;
        }

        return false;
    }

    /// <summary>The AWS secret access key next to an access key ID: the first run of exactly 40 base64 characters
    /// (<c>A-Z a-z 0-9 / +</c>) within a short reach after it, kept as a pending match so the text between them
    /// is still scanned.</summary>
    private static void AwsSecretAhead<T>(ReadOnlySpan<T> s, ref ScanState st, int from)
        where T : unmanaged, IBinaryInteger<T>
    {
        var limit = Math.Min(s.Length, from + AwsSecretReach);
        var j = from;
        while (j < limit)
        {
            if (!IsAwsSecretChar(C(s[j])))
            {
                j++;
                continue;
            }

            var run = j;
            while (run < s.Length && run - j <= 40 && IsAwsSecretChar(C(s[run])))
            {
                run++;
            }

            if (run - j == 40 && !IsAwsSecretChar(Get(s, run)) && Get(s, run) != '=' && HasDigitOrSymbol(s, j, run))
            {
                st.PendingStart = j;
                st.PendingEnd = run;
                st.PendingType = MaskType.ApiKey;
                break;
            }

            while (run < s.Length && IsAwsSecretChar(C(s[run])))
            {
                run++;
            }

            j = run;
        }

        st.Work += j - from;
    }

    private static bool IsAwsSecretChar(int c) => IsAlnum(c) || c is '/' or '+';

    // A secret key is random: 40 letters alone are a word or an identifier more likely than a key.
    private static bool HasDigitOrSymbol<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = start; k < end; k++)
        {
            if (!IsLetter(C(s[k])))
            {
                return true;
            }
        }

        return false;
    }

    private static int HexEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = start;
        while (end < s.Length && end - start <= 64 && IsHex(C(s[end])))
        {
            end++;
        }

        st.Work += end - start;
        return end;
    }

    /// <summary>Decodes the first base64 characters (a PEM header fits in 96) and looks for <c>PRIVATE KEY</c> in
    /// the header line: an encoded certificate or public key stays.</summary>
    private static bool IsBase64PrivateKey<T>(ReadOnlySpan<T> s, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        Span<byte> decoded = stackalloc byte[72];
        var n = 0;
        var bits = 0;
        var buffer = 0;
        for (var k = start; k < s.Length && k - start < 96; k++)
        {
            var v = Base64Value(C(s[k]));
            if (v < 0)
            {
                break;
            }

            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                decoded[n++] = (byte)(buffer >> bits);
            }
        }

        var text = decoded[..n];
        var header = text[10..].IndexOf("-----"u8);
        var line = header < 0 ? text : text[..(header + 10)];
        return line.IndexOf("PRIVATE KEY"u8) >= 0;
    }

    private static int Base64Value(int c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' or '-' => 62,
        '/' or '_' => 63,
        _ => -1,
    };
}
