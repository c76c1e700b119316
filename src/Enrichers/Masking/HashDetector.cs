using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Password hashes in modular crypt format, anywhere in text: bcrypt <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c>,
/// argon2 <c>$argon2id$</c>, crypt <c>$1$</c>/<c>$5$</c>/<c>$6$</c>/<c>$y$</c>, <c>$pbkdf2-sha256$</c>,
/// <c>$scrypt$</c>, Apache <c>$apr1$</c>, and Django's <c>argon2$…</c>, <c>bcrypt$…</c>, <c>sha1$…</c>. A hash in a log
/// is an offline cracking target, so it is masked whole (<c>[redacted]</c>, counted as <c>key</c>).</summary>
internal static class HashDetector
{
    /// <summary>The scheme identifiers between the first two <c>$</c> (or before the first, Django's style).</summary>
    private static readonly string[] Schemes =
    [
        "1", "2", "2a", "2b", "2x", "2y", "5", "6", "7", "y", "gy", "apr1", "md5", "sha1", "sha256", "sha512",
        "argon2i", "argon2d", "argon2id", "argon2", "pbkdf2", "pbkdf2-sha1", "pbkdf2-sha256", "pbkdf2-sha512",
        "scrypt", "bcrypt", "pbkdf2_sha256", "pbkdf2_sha1", "bcrypt_sha256",
    ];

    /// <summary>Identifiers are at most this long.</summary>
    private const int MaxScheme = 14;

    /// <summary>A hash is longer than this (salt and digest).</summary>
    private const int MinHash = 20;

    public static bool Hash<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0)
        {
            return false;
        }

        int start;
        var before = Get(s, i - 1);
        if (IsSchemeChar(before))
        {
            // Django: scheme$… (the '$' ends the scheme word).
            start = i - 1;
            while (start > st.Floor && i - start <= MaxScheme && IsSchemeChar(C(s[start - 1])))
            {
                start--;
            }

            st.Work += i - start;
            if (IsWord(Get(s, start - 1)) || Get(s, start - 1) == '$' || !IsAnyIgnoreCase(s, start, i, Schemes))
            {
                return false;
            }
        }
        else
        {
            // $scheme$…
            var close = i + 1;
            while (close < s.Length && close - i <= MaxScheme && IsSchemeChar(C(s[close])))
            {
                close++;
            }

            st.Work += close - i;
            if (Get(s, close) != '$' || !IsAnyIgnoreCase(s, i + 1, close, Schemes))
            {
                return false;
            }

            start = i;
        }

        var end = VendorTokenDetector.BodyEnd(s, ref st, i, TokenBody.Hash);
        while (end > i && Get(s, end - 1) is '.' or ',')
        {
            end--;
        }

        if (end - i < MinHash || Dollars(s, i, end) < 2)
        {
            next = Math.Max(end, i + 1);
            return false;
        }

        m = new ValueMatch(start, end, MaskType.Key);
        next = end;
        return true;
    }

    private static bool IsSchemeChar(int c) => IsAlnum(c) || c is '-' or '_';

    private static int Dollars<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var n = 0;
        for (var k = start; k < end && n < 2; k++)
        {
            n += C(s[k]) == '$' ? 1 : 0;
        }

        return n;
    }
}
