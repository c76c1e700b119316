using System.Numerics;
using System.Runtime.CompilerServices;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>The digit anchor: dates and timestamps (skipped whole), then phones, IP addresses, SSNs, cards, IBANs
/// and national identifiers, tried in that order at the first digit of a run, then the forms accepted only under a
/// key that names them (see <see cref="KeyFlags.PiiContext"/>). Context decides where the digits alone cannot:
/// see <see cref="NumberContext"/>.</summary>
internal static class NumberDetector
{
    public static bool Digits<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        var prev = Get(s, i - 1);
        int end;
        if (prev == '%' && C(s[i]) == '2' && Get(s, i + 1) == 'B' && IsDigit(Get(s, i + 2)) && (st.On & MaskPatterns.Phone) != 0
            && i - 1 >= st.Floor && !IsWord(Get(s, i - 2)) && PhoneDetector.InternationalPhone(s, ref st, i + 2, out end)
            && Accept(s, i - 1, KeyFlags.PhoneContext, ref st))
        {
            // %2B: the '+' of an international number in a URL's query or a form body.
            m = new ValueMatch(i - 1, end, MaskType.Phone);
            next = end;
            return true;
        }

        if (IsLetter(prev) || prev is '_' or '.' || IsDigit(prev))
        {
            // Inside an identifier (trace ID, digest, ws_8f3a...): only an IBAN (two letters first), a PAN or a NINO
            // starts with letters.
            if (IsLetter(prev) && MayBeLettered(s, i, prev) && Lettered(s, i, ref st, out m))
            {
                next = m.End;
                return true;
            }

            if (IsLetter(prev) && TokenDetector.Glued(s, i, ref st, out m, out next))
            {
                return true;
            }

            next = st.AlnumEnd(s, i);
            return false;
        }

        var runEnd = st.DigitEnd(s, i);
        var length = runEnd - i;
        var sepAfter = NumberContext.Separator(s, runEnd, out var sepKind);
        var after = Get(s, runEnd);
        var c = C(s[i]);
        next = runEnd;
        if (length <= 2 && sepAfter == 0 && after is not (')' or '(') && !(c is '2' or '3' && IsHex(after)))
        {
            // 1-2 digits followed by a letter, a comma, the end...: no pattern continues from here.
            next = st.AlnumEnd(s, i);
            return false;
        }

        if (prev == '+' && (st.On & MaskPatterns.Phone) != 0 && i - 1 >= st.Floor && !IsWord(Get(s, i - 2))
            && PhoneDetector.InternationalPhone(s, ref st, i, out end) && Accept(s, i - 1, KeyFlags.PhoneContext, ref st))
        {
            m = new ValueMatch(i - 1, end, MaskType.Phone);
            return true;
        }

        if (prev == '(' && (st.On & MaskPatterns.Phone) != 0 && i - 1 >= st.Floor && !IsWord(Get(s, i - 2))
            && length == 3 && after == ')' && PhoneDetector.ParenthesizedPhone(s, runEnd + 1, out end)
            && Accept(s, i - 1, KeyFlags.PhoneContext, ref st))
        {
            m = new ValueMatch(i - 1, end, MaskType.Phone);
            return true;
        }

        if (length == 4 && after == '-' && IsDate(s, i))
        {
            // ISO dates and timestamps (2026-11-26T12:00:00.003Z) are common and hold nothing to mask.
            next = TimestampEnd(s, ref st, i + 10);
            return false;
        }

        if ((st.On & MaskPatterns.Ip) != 0)
        {
            if (c is '2' or '3' && prev != ':')
            {
                var r = IpDetector.Ipv6(s, i, out end);
                if (r == IpResult.Public)
                {
                    m = new ValueMatch(i, end, MaskType.Ip);
                    return true;
                }

                if (r == IpResult.Kept)
                {
                    next = end;
                    return false;
                }
            }

            if (length <= 3 && after == '.')
            {
                var r = IpDetector.Ipv4(s, ref st, i, prev, out end);
                if (r == IpResult.Public && (NumberContext.KeyBefore(s, i, ref st) & KeyFlags.Version) == 0)
                {
                    m = new ValueMatch(i, end, MaskType.Ip);
                    return true;
                }

                if (r != IpResult.NotAnAddress)
                {
                    // Kept, or a dotted quad after a version key (Version=4.2.1.17, build 2.17.8.231).
                    next = end;
                    return false;
                }
            }
        }

        var ssnContext = (st.Context & KeyFlags.SsnContext) != 0;
        if ((st.On & MaskPatterns.Ssn) != 0 && length == 3 && sepAfter > 0
            && (after == '-' ? AccountNumberDetector.Ssn(s, i, out end) : AccountNumberDetector.SeparatedSsn(s, ref st, i, ssnContext, out end))
            && Accept(s, i, KeyFlags.SsnContext, ref st))
        {
            m = new ValueMatch(i, end, MaskType.Ssn);
            return true;
        }

        if ((st.On & MaskPatterns.Phone) != 0 && (NumberContext.IsSpaceKind(sepKind) || sepKind is '-' or '.') && sepAfter > 0 && (length == 3 || (length == 1 && c == '1'))
            && PhoneDetector.NorthAmericanPhone(s, ref st, i, length, out end) && Accept(s, i, KeyFlags.PhoneContext, ref st))
        {
            m = new ValueMatch(i, end, MaskType.Phone);
            return true;
        }

        if ((st.On & MaskPatterns.Card) != 0 && c is >= '2' and <= '6'
            && (length >= 13 || (length == 4 && sepAfter > 0)) && AccountNumberDetector.Card(s, ref st, i, length, out end)
            && Accept(s, i, KeyFlags.CardContext, ref st))
        {
            m = new ValueMatch(i, end, MaskType.Card);
            return true;
        }

        if ((st.On & MaskPatterns.NationalId) != 0)
        {
            var idContext = (st.Context & KeyFlags.NationalIdContext) != 0;
            if (length == 4 && sepAfter > 0 && NationalIdDetector.Aadhaar(s, ref st, i, length, idContext, out end))
            {
                m = new ValueMatch(i, end, MaskType.NationalId);
                return true;
            }

            if (length == 2 && prev == ' ' && NationalIdDetector.SpacedNino(s, ref st, i, idContext, out var start, out end))
            {
                m = new ValueMatch(start, end, MaskType.NationalId);
                return true;
            }
        }

        if (MayHoldContextForm(s, i, length, runEnd, sepAfter) && ContextForm(s, i, prev, length, ref st, out m))
        {
            next = m.End;
            return true;
        }

        next = st.AlnumEnd(s, i);
        return false;
    }

    // A candidate for a form accepted only under a key that names it: 7 digits or more, in one run or in groups.
    private static bool MayHoldContextForm<T>(ReadOnlySpan<T> s, int i, int length, int runEnd, int sepAfter)
        where T : unmanaged, IBinaryInteger<T> =>
        length >= PhoneDetector.MinContextDigits || (sepAfter > 0 && DigitsAt(s, runEnd + sepAfter, Math.Max(1, 4 - length)));

    // The bare and unusual forms a key allows: under "phone"/"caller_id" 7-15 digits, under "ssn" nine digits or any
    // 3-2-4 grouping, under "card_number" 12-19 digits without Luhn, under "aadhaar" 12 digits without the check. The
    // key is the value's (ScanState.Context) or the one written before the number in text (phone=…, SSN: …).
    private static bool ContextForm<T>(ReadOnlySpan<T> s, int i, int prev, int length, ref ScanState st, out ValueMatch m)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        var start = prev == '+' ? i - 1 : i;
        if (start < st.Floor)
        {
            return false;
        }

        var context = st.Context | (NumberContext.KeyBefore(s, start, ref st) & KeyFlags.PiiContext);
        if (context == KeyFlags.None)
        {
            return false;
        }

        int end;
        if ((context & KeyFlags.PhoneContext) != 0 && (st.On & MaskPatterns.Phone) != 0 && PhoneDetector.ContextPhone(s, ref st, i, out end))
        {
            m = new ValueMatch(start, end, MaskType.Phone);
            return true;
        }

        if ((context & KeyFlags.SsnContext) != 0 && (st.On & MaskPatterns.Ssn) != 0
            && (length is 3 or 9) && AccountNumberDetector.SeparatedSsn(s, ref st, i, context: true, out end))
        {
            m = new ValueMatch(i, end, MaskType.Ssn);
            return true;
        }

        if ((context & KeyFlags.NationalIdContext) != 0 && (st.On & MaskPatterns.NationalId) != 0 && length is 4 or 12
            && NationalIdDetector.Aadhaar(s, ref st, i, length, context: true, out end))
        {
            m = new ValueMatch(i, end, MaskType.NationalId);
            return true;
        }

        if ((context & KeyFlags.CardContext) != 0 && (st.On & MaskPatterns.Card) != 0 && AccountNumberDetector.ContextCard(s, ref st, i, out end))
        {
            m = new ValueMatch(i, end, MaskType.Card);
            return true;
        }

        return false;
    }

    // False only where Lettered returns false at once, with no work counted: neither an IBAN's two letters of one case
    // (with a second digit after them and no word character before) nor a capital right before the digit. The digits
    // of identifiers and names (a3f9…, jane.doe123, omar45) then cost no call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool MayBeLettered<T>(ReadOnlySpan<T> s, int i, int prev)
        where T : unmanaged, IBinaryInteger<T> =>
        IsUpper(prev) || (AccountNumberDetector.SameCaseLetters(Get(s, i - 2), prev) && IsDigit(Get(s, i + 1)) && !IsWord(Get(s, i - 3)));

    // Letters right before the digit at i: an IBAN's country (DE89…, de89…), a PAN's five capitals, a NINO's two.
    internal static bool Lettered<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        int end;
        if ((st.On & MaskPatterns.Iban) != 0 && i - 2 >= st.Floor && AccountNumberDetector.SameCaseLetters(Get(s, i - 2), Get(s, i - 1))
            && IsDigit(Get(s, i + 1)) && !IsWord(Get(s, i - 3)) && AccountNumberDetector.Iban(s, ref st, i - 2, out end))
        {
            m = new ValueMatch(i - 2, end, MaskType.Iban);
            return true;
        }

        if ((st.On & MaskPatterns.NationalId) != 0 && IsUpper(Get(s, i - 1))
            && NationalIdDetector.AfterLetters(s, ref st, i, (st.Context & KeyFlags.NationalIdContext) != 0, out var start, out end))
        {
            m = new ValueMatch(start, end, MaskType.NationalId);
            return true;
        }

        return false;
    }

    // A number that reads as a phone, card or SSN right after an identifier key in text (dd.trace_id=…, request_id:
    // …, trace id …) is that identifier, unless the key also names the kind (caller_id, phone_id).
    private static bool Accept<T>(ReadOnlySpan<T> s, int start, KeyFlags kind, ref ScanState st)
        where T : unmanaged, IBinaryInteger<T>
    {
        if ((st.Context & kind) != 0)
        {
            return true;
        }

        var key = NumberContext.KeyBefore(s, start, ref st);
        return (key & KeyFlags.Identifier) == 0 || (key & kind) != 0;
    }

    // yyyy-mm-dd
    private static bool IsDate<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> =>
        DigitsAt(s, i + 5, 2) && Get(s, i + 7) == '-' && DigitsAt(s, i + 8, 2) && !IsDigit(Get(s, i + 10));

    // [T ]hh:mm[:ss][.fff][Z|+hh:mm|+hhmm] after a date.
    private static int TimestampEnd<T>(ReadOnlySpan<T> s, ref ScanState st, int pos)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (Get(s, pos) is not ('T' or ' ') || !DigitsAt(s, pos + 1, 2) || Get(s, pos + 3) != ':' || !DigitsAt(s, pos + 4, 2))
        {
            return pos;
        }

        pos += 6;
        if (Get(s, pos) == ':' && DigitsAt(s, pos + 1, 2))
        {
            pos += 3;
        }

        if (Get(s, pos) is '.' or ',' && IsDigit(Get(s, pos + 1)))
        {
            pos = st.DigitEnd(s, pos + 1);
        }

        if (Get(s, pos) == 'Z')
        {
            pos++;
        }
        else if (Get(s, pos) is '+' or '-' && DigitsAt(s, pos + 1, 2))
        {
            pos += 3;
            if (Get(s, pos) == ':' && DigitsAt(s, pos + 1, 2))
            {
                pos += 3;
            }
            else if (DigitsAt(s, pos, 2))
            {
                pos += 2;
            }
        }

        return pos;
    }
}
