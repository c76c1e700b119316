using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>The digit anchor: dates and timestamps (skipped whole), then phones, IP addresses, SSNs, cards and
/// IBANs, tried in that order at the first digit of a run.</summary>
internal static class NumberDetector
{
    public static bool Digits<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        var prev = Get(s, i - 1);
        int end;
        if (IsLetter(prev) || prev is '_' or '.' || IsDigit(prev))
        {
            // Inside an identifier (trace ID, digest, ws_8f3a...): only an IBAN starts with two letters.
            if ((st.On & MaskPatterns.Iban) != 0 && i - 2 >= st.Floor && IsUpper(prev) && IsUpper(Get(s, i - 2))
                && IsDigit(Get(s, i + 1)) && !IsWord(Get(s, i - 3)) && AccountNumberDetector.Iban(s, ref st, i - 2, out end))
            {
                m = new ValueMatch(i - 2, end, MaskType.Iban);
                next = end;
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
        var after = Get(s, runEnd);
        var c = C(s[i]);
        next = runEnd;
        if (length <= 2 && after is not ('.' or '-' or ')' or '(' or ' ') && !(c is '2' or '3' && IsHex(after)))
        {
            // 1-2 digits followed by a letter, a comma, the end...: no pattern continues from here.
            next = st.AlnumEnd(s, i);
            return false;
        }

        if (prev == '+' && (st.On & MaskPatterns.Phone) != 0 && i - 1 >= st.Floor && !IsWord(Get(s, i - 2))
            && PhoneDetector.InternationalPhone(s, ref st, i, out end))
        {
            m = new ValueMatch(i - 1, end, MaskType.Phone);
            return true;
        }

        if (prev == '(' && (st.On & MaskPatterns.Phone) != 0 && i - 1 >= st.Floor && !IsWord(Get(s, i - 2))
            && length == 3 && after == ')' && PhoneDetector.ParenthesizedPhone(s, runEnd + 1, out end))
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
        }

        if ((st.On & MaskPatterns.Ssn) != 0 && length == 3 && after == '-' && AccountNumberDetector.Ssn(s, i, out end))
        {
            m = new ValueMatch(i, end, MaskType.Ssn);
            return true;
        }

        if ((st.On & MaskPatterns.Phone) != 0 && after is '-' or '.' or ' ' && (length == 3 || (length == 1 && c == '1'))
            && PhoneDetector.NorthAmericanPhone(s, i, length, out end))
        {
            m = new ValueMatch(i, end, MaskType.Phone);
            return true;
        }

        if ((st.On & MaskPatterns.Card) != 0 && c is >= '2' and <= '6'
            && (length >= 13 || (length == 4 && after is ' ' or '-')) && AccountNumberDetector.Card(s, ref st, i, length, out end))
        {
            m = new ValueMatch(i, end, MaskType.Card);
            return true;
        }

        next = st.AlnumEnd(s, i);
        return false;
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
