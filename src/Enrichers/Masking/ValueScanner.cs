using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Finds PII and credentials in a string value, on UTF-8 bytes or on UTF-16 chars alike. One
/// vectorized search jumps to the few characters that can anchor a pattern (<c>@</c>, <c>%</c> of <c>%40</c>,
/// digits, <c>J</c> of <c>eyJ</c>, <c>A</c> of <c>AKIA</c>/<c>AIza</c>, <c>B</c> of <c>Bearer</c>/<c>Basic</c>/<c>BEGIN</c>, <c>k</c> of
/// <c>sk-</c>, <c>x</c> of <c>xoxb-</c>, <c>_</c> of <c>ghp_</c>, <c>=</c>/<c>:</c> of <c>key=value</c>); the detector of
/// each anchor's family validates it (boundaries, groupings, Luhn, mod 97), and an identifier in which a digit
/// follows a letter (trace IDs, hex digests) is skipped whole.
/// <para>A family is an anchor character (the prefilter: <see cref="AnchorChars"/>) and a detector (a static
/// class: <see cref="EmailDetector"/>, <see cref="PhoneDetector"/>, ...) called from the dispatch in
/// <see cref="TryFindNext{T}(ReadOnlySpan{T}, int, ref ScanState, out ValueMatch)"/>; the calls are direct, so the
/// JIT sees through them. Each detector looks behind its anchor a bounded distance (or reuses what the previous
/// candidate learnt) and reports how far the scan may skip, so a value is scanned in time linear in its length;
/// <see cref="ScanState"/> counts the work and stops a scan that passes its budget.</para></summary>
internal static class ValueScanner
{
    private const string AnchorChars = "@%0123456789JABbkx_=:";

    private static readonly SearchValues<byte> ByteAnchors = SearchValues.Create("@%0123456789JABbkx_=:"u8);
    private static readonly SearchValues<char> CharAnchors = SearchValues.Create(AnchorChars);

    /// <summary>The first match starting at or after <paramref name="from"/> (nothing left of
    /// <paramref name="from"/> is part of a match), with no work budget.</summary>
    public static bool TryFindNext<T>(ReadOnlySpan<T> s, int from, MaskPatterns on, KeyNameRules keys, out ValueMatch match)
        where T : unmanaged, IBinaryInteger<T>
    {
        var state = new ScanState(on, keys, long.MaxValue);
        return TryFindNext(s, from, ref state, out match);
    }

    /// <summary>The first match starting at or after <paramref name="from"/>. False when there is none, or when
    /// the scan passed the value's work budget (then <see cref="ScanState.OverBudget"/> is set and the value must
    /// be redacted whole).</summary>
    public static bool TryFindNext<T>(ReadOnlySpan<T> s, int from, ref ScanState state, out ValueMatch match)
        where T : unmanaged, IBinaryInteger<T>
    {
        state.Floor = from;
        state.UrlAt = -1;
        state.LocalRunEnd = state.LocalRunStart = -1;
        var i = from;
        while (i < s.Length)
        {
            var rel = IndexOfAnchor(s[i..]);
            if (rel < 0)
            {
                break;
            }

            if (state.Work > state.Budget)
            {
                state.OverBudget = true;
                break;
            }

            i += rel;
            state.Work++;
            int next;
            var found = C(s[i]) switch
            {
                >= '0' and <= '9' => NumberDetector.Digits(s, i, ref state, out match, out next),
                '@' => AtSign(s, i, ref state, out match, out next),
                '%' => EmailDetector.EncodedAtSign(s, i, ref state, out match, out next),
                'J' => TokenDetector.Jwt(s, i, ref state, out match, out next),
                'A' => TokenDetector.AwsOrGoogleKey(s, i, ref state, out match, out next),
                'B' or 'b' => CredentialDetector.BearerOrPem(s, i, ref state, out match, out next),
                'k' => TokenDetector.SkKey(s, i, ref state, out match, out next),
                'x' => TokenDetector.SlackToken(s, i, ref state, out match, out next),
                '_' => TokenDetector.GitHubToken(s, i, ref state, out match, out next),
                _ => KeyValueDetector.KeyValue(s, i, ref state, out match, out next),
            };
            if (found)
            {
                return true;
            }

            // No pattern starts inside a run of letters and digits (they all need a boundary first), so a
            // failed letter anchor skips the rest of its word, unless it is one of an IBAN's two country
            // letters (the IBAN is found at its first digit).
            if (next <= i + 1 && IsLetter(C(s[i])) && !AccountNumberDetector.IbanAhead(s, i))
            {
                next = state.AlnumEnd(s, i);
            }

            i = Math.Max(next, i + 1);
        }

        match = default;
        return false;
    }

    // An '@' is a URL's user info end or an e-mail address's; the URL password is tried first.
    private static bool AtSign<T>(ReadOnlySpan<T> s, int a, ref ScanState state, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = a + 1;
        if ((state.On & MaskPatterns.UrlPassword) != 0 && UrlPasswordDetector.UrlPassword(s, a, ref state, out var start, out var end))
        {
            m = new ValueMatch(start, end, MaskType.UrlPassword);
            return true;
        }

        if ((state.On & MaskPatterns.Email) != 0 && EmailDetector.Email(s, a, ref state, out start, out end))
        {
            m = new ValueMatch(start, end, MaskType.Email);
            return true;
        }

        return false;
    }

    private static int IndexOfAnchor<T>(ReadOnlySpan<T> s)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s).IndexOfAny(ByteAnchors)
            : MemoryMarshal.Cast<T, char>(s).IndexOfAny(CharAnchors);
}
