using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
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
    private const string AnchorChars = "@%0123456789JABb_=:-.$'\"`>wW";

    /// <summary>The anchor characters as UTF-8 bytes (the harness that measures the prefilter searches with it too).</summary>
    internal static readonly SearchValues<byte> ByteAnchors = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(AnchorChars));
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
        if (state.PendingStart >= 0 && state.PendingEnd <= from)
        {
            state.PendingStart = -1;
        }

        var i = from;
        while (i < s.Length)
        {
            var rel = IndexOfAnchor(s[i..]);
            if (rel < 0 || (state.PendingStart >= 0 && i + rel >= state.PendingStart))
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
                '_' or '.' => MayStartPrefixed(s, i)
                    ? VendorTokenDetector.Prefixed(s, i, ref state, out match, out next)
                    : NoMatch(i, out match, out next),
                '-' => MayStartPrefixed(s, i) && VendorTokenDetector.Prefixed(s, i, ref state, out match, out next)
                    || (Get(s, i - 1) is ' ' or '\t' or '"' or '\'' or ','
                        ? CommandLineDetector.Option(s, i, ref state, out match, out next)
                        : NoMatch(i, out match, out next)),
                '$' => HashDetector.Hash(s, i, ref state, out match, out next),
                '\'' or '"' or '`' => Get(s, i - 1) == ' '
                    ? PhraseDetector.IdentifiedBy(s, i, ref state, out match, out next)
                    : NoMatch(i, out match, out next),
                '>' => XmlElementDetector.Element(s, i, ref state, out match, out next),
                'w' or 'W' => (Get(s, i - 1) | 0x20) is 's' or 'p'
                    ? PhraseDetector.PasswordWord(s, i, ref state, out match, out next)
                    : NoMatch(i, out match, out next),
                _ => KeyValueDetector.KeyValue(s, i, ref state, out match, out next),
            };
            if (found)
            {
                return WithPending(ref state, ref match);
            }

            // No pattern starts inside a run of letters and digits (they all need a boundary first), so a
            // failed letter anchor skips the rest of its word, unless it is one of an IBAN's two country
            // letters (the IBAN is found at its first digit), of the capitals that open a PAN or NINO (found at their
            // first digit), or the word is a token whose prefix is glued to it.
            if (next <= i + 1 && IsLetter(C(s[i])) && !AccountNumberDetector.IbanAhead(s, i) && !NationalIdDetector.LetteredIdAhead(s, i))
            {
                if (TokenDetector.MayBeGlued(s, i) && TokenDetector.Glued(s, i, ref state, out match, out _))
                {
                    return WithPending(ref state, ref match);
                }

                // Up to the 'W' of "PASSWORD" (its 'A' is an anchor too): a 'w' a few letters on is tried first; a
                // failed 'w' skips the whole word (no password word starts further inside it).
                var w = C(s[i]) is 'w' or 'W' ? -1 : IndexOfW(s[(i + 1)..Math.Min(s.Length, i + 4)]);
                next = w >= 0 && IsLetterRun(s, i + 1, i + 1 + w) ? i + 1 + w : state.AlnumEnd(s, i);
            }

            i = Math.Max(next, i + 1);
        }

        if (state.PendingStart >= 0 && !state.OverBudget)
        {
            match = new ValueMatch(Math.Max(state.PendingStart, from), state.PendingEnd, state.PendingType);
            state.PendingStart = -1;
            return true;
        }

        match = default;
        return false;
    }

    /// <summary>Whether a vendor prefix (<see cref="VendorTokenRules"/>) may end before the separator at
    /// <paramref name="i"/>. The guards in the dispatch skip a detector only where it would return false at once,
    /// with no work counted and no state changed, so what is masked stays the same: the separators and letters of
    /// plain text (<c>.</c> of host names, <c>-</c> of dates, <c>w</c> of words) then cost no call. A command-line
    /// option and IDENTIFIED BY's quote follow a blank (or a quote or comma); the <c>w</c> of password/passwd/pwd
    /// follows an <c>s</c> or a <c>p</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MayStartPrefixed<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => VendorTokenRules.MayEndHead(C(s[i]), Get(s, i - 2), Get(s, i - 1));

    private static bool NoMatch(int i, out ValueMatch match, out int next)
    {
        match = default;
        next = i + 1;
        return false;
    }

    /// <summary>A match found while a match found earlier further ahead is pending (the AWS secret key after its
    /// key ID): the two are one match when they overlap.</summary>
    private static bool WithPending(ref ScanState state, ref ValueMatch match)
    {
        if (state.PendingStart >= 0 && state.PendingStart < match.End)
        {
            match = new ValueMatch(Math.Min(match.Start, state.PendingStart), Math.Max(match.End, state.PendingEnd), match.Type);
            state.PendingStart = -1;
        }

        return true;
    }

    // An '@' is a URL's user info end or an e-mail address's; the URL password is tried first. Both look behind
    // it over the same run of e-mail local-part characters (jane.doe in "mail jane.doe@example.com"), which holds
    // nothing the URL look stops at or notes: the run is walked once here, and each look starts past it.
    internal static bool AtSign<T>(ReadOnlySpan<T> s, int a, ref ScanState state, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = a + 1;
        var before = a - 1;
        while (before >= state.Floor && IsEmailLocal(C(s[before])))
        {
            before--;
        }

        if ((state.On & MaskPatterns.UrlPassword) != 0 && UrlPasswordDetector.UrlPassword(s, a, before, ref state, out var start, out var end))
        {
            m = new ValueMatch(start, end, MaskType.UrlPassword);
            return true;
        }

        if ((state.On & MaskPatterns.Email) != 0 && EmailDetector.Email(s, a, ref state, out start, out end, walked: before + 1))
        {
            m = new ValueMatch(start, end, MaskType.Email);
            return true;
        }

        return false;
    }

    private static bool IsLetterRun<T>(ReadOnlySpan<T> s, int from, int to)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = from; k < to; k++)
        {
            if (!IsLetter(C(s[k])))
            {
                return false;
            }
        }

        return true;
    }

    // At most three units: a plain loop, as a vectorized search costs more to set up than it saves here.
    private static int IndexOfW<T>(ReadOnlySpan<T> s)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (var k = 0; k < s.Length; k++)
        {
            if ((C(s[k]) | 0x20) == 'w')
            {
                return k;
            }
        }

        return -1;
    }

    private static int IndexOfAnchor<T>(ReadOnlySpan<T> s)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s).IndexOfAny(ByteAnchors)
            : MemoryMarshal.Cast<T, char>(s).IndexOfAny(CharAnchors);
}
