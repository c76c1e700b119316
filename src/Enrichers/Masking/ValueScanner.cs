using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enrichers.Masking;

/// <summary>Finds PII and credentials in a string value, on UTF-8 bytes or on UTF-16 chars alike. One
/// vectorized search jumps to the few characters that can anchor a pattern (<c>@</c>, <c>%</c> of <c>%40</c>,
/// digits, <c>J</c> of <c>eyJ</c>, <c>A</c> of <c>AKIA</c>/<c>AIza</c>, <c>B</c> of <c>Bearer</c>/<c>Basic</c>/<c>BEGIN</c>, <c>k</c> of
/// <c>sk-</c>, <c>x</c> of <c>xoxb-</c>, <c>_</c> of <c>ghp_</c>, <c>=</c>/<c>:</c> of <c>key=value</c>); a hand-written
/// check validates each anchor (boundaries, groupings, Luhn, mod 97), and an identifier in which a digit
/// follows a letter (trace IDs, hex digests) is skipped whole. Every pattern is ASCII; any non-ASCII unit
/// counts as a non-word character, so bytes and chars give the same answer.</summary>
internal static class ValueScanner
{
    private const string AnchorChars = "@%0123456789JABbkx_=:";
    private const string AlnumChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<byte> ByteAnchors = SearchValues.Create("@%0123456789JABbkx_=:"u8);
    private static readonly SearchValues<char> CharAnchors = SearchValues.Create(AnchorChars);
    private static readonly SearchValues<byte> ByteAlnum = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(AlnumChars));
    private static readonly SearchValues<char> CharAlnum = SearchValues.Create(AlnumChars);

    // Image file extensions, none of them a top-level domain (see IsDensityFileName).
    private static readonly string[] ImageExtensions = ["png", "jpg", "jpeg", "gif", "webp", "svg", "ico", "bmp", "avif", "tif", "tiff", "heic"];

    private enum IpResult
    {
        NotAnAddress,
        Kept,
        Public,
    }

    /// <summary>The first match starting at or after <paramref name="from"/> (nothing left of
    /// <paramref name="from"/> is part of a match).</summary>
    public static bool TryFindNext<T>(ReadOnlySpan<T> s, int from, MaskPatterns on, KeyNameRules keys, out ValueMatch match)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = from;
        while (i < s.Length)
        {
            var rel = IndexOfAnchor(s[i..]);
            if (rel < 0)
            {
                break;
            }

            i += rel;
            int next;
            var found = C(s[i]) switch
            {
                >= '0' and <= '9' => Digits(s, i, from, on, out match, out next),
                '@' => AtSign(s, i, from, on, out match, out next),
                '%' => EncodedAtSign(s, i, from, on, out match, out next),
                'J' => Jwt(s, i, from, on, out match, out next),
                'A' => AwsOrGoogleKey(s, i, on, out match, out next),
                'B' or 'b' => BearerOrPem(s, i, from, on, out match, out next),
                'k' => SkKey(s, i, from, on, out match, out next),
                'x' => SlackToken(s, i, on, out match, out next),
                '_' => GitHubToken(s, i, from, on, out match, out next),
                _ => KeyValue(s, i, from, on, keys, out match, out next),
            };
            if (found)
            {
                return true;
            }

            // No pattern starts inside a run of letters and digits (they all need a boundary first), so a
            // failed letter anchor skips the rest of its word, unless it is one of an IBAN's two country
            // letters (the IBAN is found at its first digit).
            if (next <= i + 1 && IsLetter(C(s[i])) && !IbanAhead(s, i))
            {
                next = AlnumEnd(s, i);
            }

            i = Math.Max(next, i + 1);
        }

        match = default;
        return false;
    }

    private static bool Digits<T>(ReadOnlySpan<T> s, int i, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        var prev = Get(s, i - 1);
        int end;
        if (IsLetter(prev) || prev is '_' or '.' || IsDigit(prev))
        {
            // Inside an identifier (trace ID, digest, ws_8f3a...): only an IBAN starts with two letters.
            if ((on & MaskPatterns.Iban) != 0 && i - 2 >= floor && IsUpper(prev) && IsUpper(Get(s, i - 2))
                && IsDigit(Get(s, i + 1)) && !IsWord(Get(s, i - 3)) && Iban(s, i - 2, out end))
            {
                m = new ValueMatch(i - 2, end, MaskType.Iban);
                next = end;
                return true;
            }

            next = AlnumEnd(s, i);
            return false;
        }

        var runEnd = DigitEnd(s, i);
        var length = runEnd - i;
        var after = Get(s, runEnd);
        var c = C(s[i]);
        next = runEnd;
        if (length <= 2 && after is not ('.' or '-' or ')' or '(' or ' ') && !(c is '2' or '3' && IsHex(after)))
        {
            // 1-2 digits followed by a letter, a comma, the end...: no pattern continues from here.
            next = AlnumEnd(s, i);
            return false;
        }

        if (prev == '+' && (on & MaskPatterns.Phone) != 0 && i - 1 >= floor && !IsWord(Get(s, i - 2))
            && InternationalPhone(s, i, out end))
        {
            m = new ValueMatch(i - 1, end, MaskType.Phone);
            return true;
        }

        if (prev == '(' && (on & MaskPatterns.Phone) != 0 && i - 1 >= floor && !IsWord(Get(s, i - 2))
            && length == 3 && after == ')' && ParenthesizedPhone(s, runEnd + 1, out end))
        {
            m = new ValueMatch(i - 1, end, MaskType.Phone);
            return true;
        }

        if (length == 4 && after == '-' && IsDate(s, i))
        {
            // ISO dates and timestamps (2026-11-26T12:00:00.003Z) are common and hold nothing to mask.
            next = TimestampEnd(s, i + 10);
            return false;
        }

        if ((on & MaskPatterns.Ip) != 0)
        {
            if (c is '2' or '3' && prev != ':')
            {
                var r = Ipv6(s, i, out end);
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
                var r = Ipv4(s, i, prev, out end);
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

        if ((on & MaskPatterns.Ssn) != 0 && length == 3 && after == '-' && Ssn(s, i, out end))
        {
            m = new ValueMatch(i, end, MaskType.Ssn);
            return true;
        }

        if ((on & MaskPatterns.Phone) != 0 && after is '-' or '.' or ' ' && (length == 3 || (length == 1 && c == '1'))
            && NorthAmericanPhone(s, i, length, out end))
        {
            m = new ValueMatch(i, end, MaskType.Phone);
            return true;
        }

        if ((on & MaskPatterns.Card) != 0 && c is >= '2' and <= '6'
            && (length >= 13 || (length == 4 && after is ' ' or '-')) && Card(s, i, length, out end))
        {
            m = new ValueMatch(i, end, MaskType.Card);
            return true;
        }

        next = AlnumEnd(s, i);
        return false;
    }

    private static bool IbanAhead<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> =>
        IsUpper(C(s[i])) && ((IsUpper(Get(s, i + 1)) && IsDigit(Get(s, i + 2)) && !IsAlnum(Get(s, i - 1)))
            || (IsUpper(Get(s, i - 1)) && IsDigit(Get(s, i + 1))));

    // yyyy-mm-dd
    private static bool IsDate<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> =>
        DigitsAt(s, i + 5, 2) && Get(s, i + 7) == '-' && DigitsAt(s, i + 8, 2) && !IsDigit(Get(s, i + 10));

    // [T ]hh:mm[:ss][.fff][Z|+hh:mm|+hhmm] after a date.
    private static int TimestampEnd<T>(ReadOnlySpan<T> s, int pos)
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
            pos = DigitEnd(s, pos + 1);
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

    // +<country> then digits in groups separated by one space, dash or dot, or in parentheses: 8 to 15 digits.
    // The longest such prefix wins, so a number written right after the phone number is not swallowed.
    private static bool InternationalPhone<T>(ReadOnlySpan<T> s, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var pos = i;
        var digits = 0;
        end = -1;
        while (digits <= 15)
        {
            var ch = Get(s, pos);
            if (IsDigit(ch))
            {
                var run = DigitEnd(s, pos);
                digits += run - pos;
                pos = run;
            }
            else if (ch is ' ' or '-' or '.' && (IsDigit(Get(s, pos + 1)) || Get(s, pos + 1) == '('))
            {
                pos++;
                continue;
            }
            else if (ch == '(' && IsDigit(Get(s, pos + 1)))
            {
                var run = DigitEnd(s, pos + 1);
                if (Get(s, run) != ')')
                {
                    break;
                }

                digits += run - pos - 1;
                pos = run + 1;
            }
            else
            {
                break;
            }

            if (digits is >= 8 and <= 15 && !IsWord(Get(s, pos)))
            {
                end = pos;
            }
        }

        return end > 0;
    }

    // After "(ddd)": optional space, ddd, separator, dddd.
    private static bool ParenthesizedPhone<T>(ReadOnlySpan<T> s, int pos, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        if (Get(s, pos) == ' ')
        {
            pos++;
        }

        if (!DigitsAt(s, pos, 3) || Get(s, pos + 3) is not ('-' or '.' or ' ') || !DigitsAt(s, pos + 4, 4))
        {
            return false;
        }

        end = pos + 8;
        return EndsNumber(s, end);
    }

    // [1 sep] ddd sep ddd sep dddd, one separator kind (dash, dot or space).
    private static bool NorthAmericanPhone<T>(ReadOnlySpan<T> s, int i, int length, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        var pos = length == 1 ? i + 2 : i;
        if (!DigitsAt(s, pos, 3))
        {
            return false;
        }

        var sep = Get(s, pos + 3);
        if (sep is not ('-' or '.' or ' ') || !DigitsAt(s, pos + 4, 3) || Get(s, pos + 7) != sep || !DigitsAt(s, pos + 8, 4))
        {
            return false;
        }

        end = pos + 12;
        return EndsNumber(s, end);
    }

    private static bool Ssn<T>(ReadOnlySpan<T> s, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + 11;
        return DigitsAt(s, i + 4, 2) && Get(s, i + 6) == '-' && DigitsAt(s, i + 7, 4) && EndsNumber(s, end);
    }

    // 13-19 digits passing Luhn, plain or in the groupings cards are printed in (4-4-4-4[-3], 4-6-5, 4-6-4).
    private static bool Card<T>(ReadOnlySpan<T> s, int i, int length, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i + length;
        if (length >= 13)
        {
            return length <= 19 && !IsWord(Get(s, end)) && Checksums.Luhn(s, i, end);
        }

        var sep = Get(s, i + 4);
        Span<int> lengths = stackalloc int[6];
        Span<int> ends = stackalloc int[6];
        var n = 0;
        var pos = i;
        while (n < lengths.Length)
        {
            var run = DigitEnd(s, pos);
            lengths[n] = run - pos;
            ends[n] = run;
            n++;
            if (Get(s, run) == sep && IsDigit(Get(s, run + 1)))
            {
                pos = run + 1;
            }
            else
            {
                break;
            }
        }

        for (var k = n; k >= 3; k--)
        {
            var total = 0;
            var grouped = true;
            for (var g = 0; g < k; g++)
            {
                total += lengths[g];
                grouped &= g == k - 1 ? lengths[g] <= 4 : lengths[g] == 4;
            }

            if (k == 3)
            {
                grouped = lengths[0] == 4 && lengths[1] == 6 && lengths[2] is 4 or 5;
            }

            end = ends[k - 1];
            if (grouped && total is >= 13 and <= 19 && (k < n || !IsWord(Get(s, end))) && Checksums.Luhn(s, i, end))
            {
                return true;
            }
        }

        return false;
    }

    // Two capitals, two check digits, then 11-30 capitals/digits, plain or in groups of four; mod 97 == 1.
    private static bool Iban<T>(ReadOnlySpan<T> s, int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var token = UpperAlnumEnd(s, start);
        end = token;
        var length = token - start;
        if (length >= 15)
        {
            return length <= 34 && !IsWord(Get(s, token)) && IbanLengthFits(s, start, token, length)
                && Checksums.IbanMod97(s, start, token);
        }

        if (length != 4 || Get(s, token) != ' ')
        {
            return false;
        }

        Span<int> ends = stackalloc int[8];
        var n = 0;
        var pos = token + 1;
        while (n < ends.Length)
        {
            var run = UpperAlnumEnd(s, pos);
            if (run == pos || run - pos > 4)
            {
                break;
            }

            ends[n++] = run;
            if (run - pos == 4 && Get(s, run) == ' ' && IsUpperAlnum(Get(s, run + 1)))
            {
                pos = run + 1;
            }
            else
            {
                break;
            }
        }

        for (var k = n; k >= 1; k--)
        {
            end = ends[k - 1];
            var chars = 4 + (end - token - 1) - (k - 1);
            if (chars is >= 15 and <= 34 && !IsWord(Get(s, end)) && IbanLengthFits(s, start, end, chars)
                && Checksums.IbanMod97(s, start, end))
            {
                return true;
            }
        }

        return false;
    }

    // The registry fixes each country's IBAN length; that keeps uppercase hex IDs (trace IDs, digests) that
    // happen to pass mod 97 from being taken for IBANs. A country missing from the table is still accepted,
    // unless the text is all hex digits.
    private static bool IbanLengthFits<T>(ReadOnlySpan<T> s, int start, int end, int length)
        where T : unmanaged, IBinaryInteger<T>
    {
        var expected = IbanLengths.Of(C(s[start]), C(s[start + 1]));
        if (expected > 0)
        {
            return expected == length;
        }

        for (var k = start; k < end; k++)
        {
            var c = C(s[k]);
            if (c != ' ' && !IsHex(c))
            {
                return true;
            }
        }

        return false;
    }

    private static IpResult Ipv4<T>(ReadOnlySpan<T> s, int i, int prev, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i;
        if (prev == '-' && IsLetter(Get(s, i - 2)))
        {
            // app-1.2.3.4: a version.
            return IpResult.NotAnAddress;
        }

        Span<int> octets = stackalloc int[4];
        var pos = i;
        for (var k = 0; k < 4; k++)
        {
            if (k > 0)
            {
                if (Get(s, pos) != '.')
                {
                    return IpResult.NotAnAddress;
                }

                pos++;
            }

            var run = DigitEnd(s, pos);
            if (run == pos || run - pos > 3)
            {
                return IpResult.NotAnAddress;
            }

            var value = 0;
            for (var j = pos; j < run; j++)
            {
                value = (value * 10) + (C(s[j]) - '0');
            }

            if (value > 255)
            {
                return IpResult.NotAnAddress;
            }

            octets[k] = value;
            pos = run;
        }

        end = pos;
        var after = Get(s, pos);
        if (IsWord(after) || (after == '.' && IsDigit(Get(s, pos + 1))) || (after == '-' && IsLetter(Get(s, pos + 1))))
        {
            // 1.2.3.4.5, 1.2.3.4-beta: versions.
            return IpResult.NotAnAddress;
        }

        int a = octets[0], b = octets[1];
        var kept = a is 0 or 10 or 127 or >= 224 || (a == 169 && b == 254) || (a == 172 && b is >= 16 and <= 31)
            || (a == 192 && b == 168) || octets[3] == 0;
        return kept ? IpResult.Kept : IpResult.Public;
    }

    // Global unicast (2000::/3) addresses: the first group is four hex digits starting with 2 or 3.
    private static IpResult Ipv6<T>(ReadOnlySpan<T> s, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i;
        if (!IsHex(Get(s, i + 1)) || !IsHex(Get(s, i + 2)) || !IsHex(Get(s, i + 3)) || Get(s, i + 4) != ':')
        {
            return IpResult.NotAnAddress;
        }

        var pos = i;
        var colons = 0;
        while (pos < s.Length && pos - i < 46)
        {
            var ch = C(s[pos]);
            if (ch == ':')
            {
                colons++;
            }
            else if (!IsHex(ch) && ch != '.')
            {
                break;
            }

            pos++;
        }

        if (IsWord(Get(s, pos)) || colons < 2)
        {
            return IpResult.NotAnAddress;
        }

        // A sentence may end right after the address ("... 2001:db8::1." or "... 2001:db8::1:").
        while (pos > i && (C(s[pos - 1]) == '.' || (C(s[pos - 1]) == ':' && C(s[pos - 2]) != ':')))
        {
            pos--;
        }

        Span<char> text = stackalloc char[46];
        var length = pos - i;
        if (length > text.Length)
        {
            return IpResult.NotAnAddress;
        }

        for (var k = 0; k < length; k++)
        {
            text[k] = (char)C(s[i + k]);
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!IPAddress.TryParse(text[..length], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6
            || !address.TryWriteBytes(bytes, out _))
        {
            return IpResult.NotAnAddress;
        }

        end = pos;

        // A /48 network (GeoIP's truncation) names no host.
        return (bytes[0] & 0xE0) == 0x20 && bytes[6..].ContainsAnyExcept((byte)0) ? IpResult.Public : IpResult.Kept;
    }

    private static bool AtSign<T>(ReadOnlySpan<T> s, int a, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = a + 1;
        if ((on & MaskPatterns.UrlPassword) != 0 && UrlPassword(s, a, floor, out var start, out var end))
        {
            m = new ValueMatch(start, end, MaskType.UrlPassword);
            return true;
        }

        if ((on & MaskPatterns.Email) != 0 && Email(s, a, floor, out start, out end))
        {
            m = new ValueMatch(start, end, MaskType.Email);
            return true;
        }

        return false;
    }

    // jane%40example.com: an e-mail address URL-encoded in a path or query string.
    private static bool EncodedAtSign<T>(ReadOnlySpan<T> s, int a, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = a + 1;
        if ((on & MaskPatterns.Email) != 0 && Get(s, a + 1) == '4' && Get(s, a + 2) == '0' && Email(s, a, floor, out var start, out var end, 3))
        {
            m = new ValueMatch(start, end, MaskType.Email);
            return true;
        }

        return false;
    }

    // scheme://user:password@host: the password is everything after the first ':' of the user info up to the
    // authority's last '@' (so a password may hold '@').
    private static bool UrlPassword<T>(ReadOnlySpan<T> s, int a, int floor, out int start, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        start = end = 0;
        var j = a - 1;
        while (j >= floor)
        {
            var ch = C(s[j]);
            if (ch == '/')
            {
                break;
            }

            if (IsSpaceOrQuote(ch) || ch is '?' or '#' or '<' or '>')
            {
                return false;
            }

            j--;
        }

        if (j - 2 < floor || C(s[j - 1]) != '/' || C(s[j - 2]) != ':' || !IsLetter(Get(s, j - 3)))
        {
            return false;
        }

        var colon = -1;
        for (var k = j + 1; k < a; k++)
        {
            if (C(s[k]) == ':')
            {
                colon = k;
                break;
            }
        }

        if (colon < 0)
        {
            return false;
        }

        var lastAt = a;
        for (var k = a + 1; k < s.Length; k++)
        {
            var ch = C(s[k]);
            if (ch == '@')
            {
                lastAt = k;
            }
            else if (ch is '/' or '?' or '#' || IsSpaceOrQuote(ch))
            {
                break;
            }
        }

        start = colon + 1;
        end = lastAt;
        return end > start;
    }

    private static bool Email<T>(ReadOnlySpan<T> s, int a, int floor, out int start, out int end, int atLength = 1)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = 0;
        start = a;
        while (start > floor && IsEmailLocal(C(s[start - 1])))
        {
            start--;
        }

        while (start < a && C(s[start]) == '.')
        {
            start++;
        }

        if (start == a)
        {
            return false;
        }

        var pos = a + atLength;
        var labels = 0;
        int lastStart = 0, lastEnd = 0;
        while (true)
        {
            var ls = pos;
            while (pos < s.Length && (IsAlnum(C(s[pos])) || C(s[pos]) == '-'))
            {
                pos++;
            }

            if (pos == ls)
            {
                break;
            }

            labels++;
            lastStart = ls;
            lastEnd = pos;
            if (Get(s, pos) == '.' && IsAlnum(Get(s, pos + 1)))
            {
                pos++;
                continue;
            }

            break;
        }

        if (labels < 2 || lastEnd - lastStart < 2)
        {
            return false;
        }

        for (var k = lastStart; k < lastEnd; k++)
        {
            if (!IsLetter(C(s[k])))
            {
                return false;
            }
        }

        if (IsDensityFileName(s, a + atLength, lastStart, lastEnd))
        {
            return false;
        }

        end = lastEnd;
        return true;
    }

    // icon@2x.png, logo@3x.jpg, sprite@1.5x.webp: the pixel-density suffix of image file names (Apple's and the
    // web's convention). Only when the whole "domain" is <digits>[.<digits>]x.<image extension>, none of which
    // is a top-level domain, so no deliverable address is left unmasked (ops@2x.png.com, a@b.io still are).
    private static bool IsDensityFileName<T>(ReadOnlySpan<T> s, int domain, int lastStart, int lastEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        var p = DigitEnd(s, domain);
        if (p == domain)
        {
            return false;
        }

        if (Get(s, p) == '.' && IsDigit(Get(s, p + 1)))
        {
            p = DigitEnd(s, p + 1);
        }

        if (Get(s, p) is not ('x' or 'X') || p + 2 != lastStart)
        {
            return false;
        }

        foreach (var candidate in ImageExtensions)
        {
            if (candidate.Length == lastEnd - lastStart && EqualsIgnoreCase(s, lastStart, candidate))
            {
                return true;
            }
        }

        return false;
    }

    // header.payload.signature, each base64url, the header starting with eyJ ('{"').
    private static bool Jwt<T>(ReadOnlySpan<T> s, int i, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        var start = i - 2;
        if ((on & MaskPatterns.Jwt) == 0 || start < floor || C(s[i - 1]) != 'y' || C(s[start]) != 'e'
            || IsBase64Url(Get(s, start - 1)))
        {
            return false;
        }

        var e1 = Base64UrlEnd(s, start);
        if (e1 - start < 10 || Get(s, e1) != '.')
        {
            return false;
        }

        var e2 = Base64UrlEnd(s, e1 + 1);
        if (e2 - e1 - 1 < 2 || Get(s, e2) != '.')
        {
            return false;
        }

        var e3 = Base64UrlEnd(s, e2 + 1);
        m = new ValueMatch(start, e3, MaskType.Jwt);
        return true;
    }

    private static bool AwsOrGoogleKey<T>(ReadOnlySpan<T> s, int i, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((on & MaskPatterns.ApiKey) == 0 || IsWord(Get(s, i - 1)))
        {
            return false;
        }

        int c1 = Get(s, i + 1), c2 = Get(s, i + 2), c3 = Get(s, i + 3);
        if (((c1 == 'K' || c1 == 'S') && c2 == 'I' && c3 == 'A'))
        {
            var end = UpperAlnumEnd(s, i + 4);
            if (end - i - 4 == 16 && !IsWord(Get(s, end)))
            {
                m = new ValueMatch(i, end, MaskType.ApiKey);
                return true;
            }
        }
        else if (c1 == 'I' && c2 == 'z' && c3 == 'a')
        {
            var end = Base64UrlEnd(s, i + 4);
            if (end - i - 4 >= 30)
            {
                m = new ValueMatch(i, end, MaskType.ApiKey);
                return true;
            }
        }

        return false;
    }

    private static bool BearerOrPem<T>(ReadOnlySpan<T> s, int i, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        var scheme = EqualsIgnoreCase(s, i + 1, "earer") ? 6 : EqualsIgnoreCase(s, i + 1, "asic") ? 5 : 0;
        if ((on & MaskPatterns.Bearer) != 0 && scheme > 0 && !IsWord(Get(s, i - 1)) && Get(s, i + scheme) is ' ' or '\t')
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

            // "Bearer authentication failed" names the scheme; a credential is long or not a plain word.
            var length = end - p;
            if (length >= 8 && (length >= 16 || !plainWord))
            {
                m = new ValueMatch(p, end, MaskType.Bearer);
                next = end;
                return true;
            }
        }

        if ((on & MaskPatterns.PrivateKey) != 0 && C(s[i]) == 'B' && i - 5 >= floor && EqualsIgnoreCase(s, i + 1, "EGIN")
            && EqualsIgnoreCase(s, i - 5, "-----"))
        {
            var header = IndexOf(s, i + 5, "-----"u8, "-----");
            if (header < 0 || IndexOf(s[..header], i, "PRIVATE KEY"u8, "PRIVATE KEY") < 0)
            {
                return false;
            }

            // No END line (a truncated message): everything after BEGIN is key material.
            var endMark = IndexOf(s, header + 5, "-----END"u8, "-----END");
            var close = endMark < 0 ? -1 : IndexOf(s, endMark + 8, "-----"u8, "-----");
            var end = close < 0 ? s.Length : close + 5;
            m = new ValueMatch(i - 5, end, MaskType.PrivateKey);
            return true;
        }

        return false;
    }

    // sk-... / sk-proj-... (OpenAI, Anthropic), sk_live_/sk_test_/rk_live_ (Stripe).
    private static bool SkKey<T>(ReadOnlySpan<T> s, int i, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        var start = i - 1;
        var p = Get(s, start);
        if ((on & MaskPatterns.ApiKey) == 0 || start < floor || p is not ('s' or 'r') || IsWord(Get(s, start - 1)))
        {
            return false;
        }

        var dash = Get(s, i + 1);
        int end;
        if (dash == '-' && p == 's')
        {
            end = Base64UrlEnd(s, i + 2);
            if (end - i - 2 < 20)
            {
                return false;
            }
        }
        else if (dash == '_' && (EqualsIgnoreCase(s, i + 2, "live_") || EqualsIgnoreCase(s, i + 2, "test_")))
        {
            end = AlnumEnd(s, i + 7);
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
    private static bool SlackToken<T>(ReadOnlySpan<T> s, int i, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((on & MaskPatterns.ApiKey) == 0 || IsWord(Get(s, i - 1)) || Get(s, i + 1) != 'o' || Get(s, i + 2) != 'x'
            || Get(s, i + 3) is not ('b' or 'p' or 'a' or 's' or 'e' or 'r') || Get(s, i + 4) != '-')
        {
            return false;
        }

        var end = i + 5;
        while (end < s.Length && (IsAlnum(C(s[end])) || C(s[end]) == '-'))
        {
            end++;
        }

        if (end - i - 5 < 10)
        {
            return false;
        }

        m = new ValueMatch(i, end, MaskType.ApiKey);
        next = end;
        return true;
    }

    // ghp_/gho_/ghu_/ghs_/ghr_ and github_pat_ tokens (the anchor is the first underscore).
    private static bool GitHubToken<T>(ReadOnlySpan<T> s, int i, int floor, MaskPatterns on, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((on & MaskPatterns.ApiKey) == 0)
        {
            return false;
        }

        if (i - 3 >= floor && Get(s, i - 3) == 'g' && Get(s, i - 2) == 'h' && Get(s, i - 1) is 'p' or 'o' or 'u' or 's' or 'r'
            && !IsWord(Get(s, i - 4)))
        {
            var end = AlnumEnd(s, i + 1);
            if (end - i - 1 >= 30)
            {
                m = new ValueMatch(i - 3, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }
        else if (i - 6 >= floor && EqualsIgnoreCase(s, i - 6, "github") && EqualsIgnoreCase(s, i, "_pat_") && !IsWord(Get(s, i - 7)))
        {
            var end = i + 5;
            while (end < s.Length && IsWord(C(s[end])))
            {
                end++;
            }

            if (end - i - 5 >= 20)
            {
                m = new ValueMatch(i - 6, end, MaskType.ApiKey);
                next = end;
                return true;
            }
        }

        return false;
    }

    // key=value and key: value in text (query strings, logfmt, JSON or dicts logged as text) where the key
    // matches a key rule: the value goes.
    private static bool KeyValue<T>(ReadOnlySpan<T> s, int i, int floor, MaskPatterns on, KeyNameRules keys, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((on & MaskPatterns.Key) == 0)
        {
            return false;
        }

        // The key may be quoted, as in JSON or a Python dict logged as text: "password": "x".
        var keyQuote = Get(s, i - 1);
        var keyEnd = keyQuote is '"' or '\'' ? i - 1 : i;
        var k = keyEnd;
        while (k > floor && (IsWord(C(s[k - 1])) || C(s[k - 1]) is '-' or '.'))
        {
            k--;
        }

        if (k == keyEnd || (keyEnd != i && Get(s, k - 1) != keyQuote) || (keys.Evaluate(s[k..keyEnd]) & KeyFlags.Secret) == 0)
        {
            return false;
        }

        var start = i + 1;
        while (Get(s, start) == ' ')
        {
            start++;
        }

        var quote = Get(s, start);
        int end;
        if (quote is '"' or '\'')
        {
            start++;
            end = start;
            while (end < s.Length && C(s[end]) != quote)
            {
                end++;
            }
        }
        else if (quote == '[' && IndexOf(s, start, "]"u8, "]") is > 0 and var close)
        {
            // Already a marker ("password=[redacted]"): masking twice gives the same text.
            end = close + 1;
        }
        else
        {
            end = ValueEnd(s, start);
            if (Get(s, end) == ' ' && IsAuthScheme(s, start, end))
            {
                // "Authorization: Bearer abc": the scheme stays, the credential goes, however short.
                start = end;
                while (Get(s, start) == ' ')
                {
                    start++;
                }

                end = ValueEnd(s, start);
            }

            end = ClauseEnd(s, end);
        }

        if (end == start)
        {
            return false;
        }

        m = new ValueMatch(start, end, MaskType.Key);
        next = end;
        return true;
    }

    /// <summary>An unquoted secret in text may hold spaces (<c>password: correct horse battery staple</c>), so it
    /// runs past the first word to the end of its clause: further space-separated words are taken until the
    /// end of the string, a tab or line break, one of <c>, ; &amp; | ( ) [ ] { } &lt; &gt;</c> or a quote, or a
    /// word that starts the next pair (<c>user=bob</c>, <c>user: bob</c>). Taking too much only hides log
    /// text; taking too little leaks the rest of the secret.</summary>
    private static int ClauseEnd<T>(ReadOnlySpan<T> s, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (Get(s, end) == ' ')
        {
            var word = end + 1;
            while (Get(s, word) == ' ')
            {
                word++;
            }

            var c = Get(s, word);
            if (c < 0 || IsValueStop(c) || c is '(' or '[' or '{' or '|' || StartsPair(s, word))
            {
                break;
            }

            end = ValueEnd(s, word);
        }

        return end;
    }

    // key=... or key: ... (a colon then a space, a quote or the end: "http://x" and "12:30" are no keys).
    private static bool StartsPair<T>(ReadOnlySpan<T> s, int word)
        where T : unmanaged, IBinaryInteger<T>
    {
        var k = word;
        while (IsWord(Get(s, k)) || Get(s, k) is '-' or '.')
        {
            k++;
        }

        if (k == word)
        {
            return false;
        }

        var sep = Get(s, k);
        return sep == '=' || (sep == ':' && Get(s, k + 1) is -1 or ' ' or '"' or '\'');
    }

    private static int ValueEnd<T>(ReadOnlySpan<T> s, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = start;
        while (end < s.Length && !IsValueStop(C(s[end])))
        {
            end++;
        }

        return end;
    }

    private static bool IsAuthScheme<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T> =>
        (end - start) switch
        {
            5 => EqualsIgnoreCase(s, start, "Basic") || EqualsIgnoreCase(s, start, "Token"),
            6 => EqualsIgnoreCase(s, start, "Bearer") || EqualsIgnoreCase(s, start, "Digest"),
            9 => EqualsIgnoreCase(s, start, "Negotiate"),
            _ => false,
        };

    private static int IndexOfAnchor<T>(ReadOnlySpan<T> s)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s).IndexOfAny(ByteAnchors)
            : MemoryMarshal.Cast<T, char>(s).IndexOfAny(CharAnchors);

    private static int AlnumEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        var rel = typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s[i..]).IndexOfAnyExcept(ByteAlnum)
            : MemoryMarshal.Cast<T, char>(s[i..]).IndexOfAnyExcept(CharAlnum);
        return rel < 0 ? s.Length : i + rel;
    }

    private static int IndexOf<T>(ReadOnlySpan<T> s, int from, ReadOnlySpan<byte> utf8, string chars)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (from >= s.Length)
        {
            return -1;
        }

        var rel = typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s[from..]).IndexOf(utf8)
            : MemoryMarshal.Cast<T, char>(s[from..]).IndexOf(chars, StringComparison.Ordinal);
        return rel < 0 ? -1 : from + rel;
    }

    private static bool EqualsIgnoreCase<T>(ReadOnlySpan<T> s, int at, string ascii)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (at < 0 || at + ascii.Length > s.Length)
        {
            return false;
        }

        for (var k = 0; k < ascii.Length; k++)
        {
            var c = C(s[at + k]);
            var e = (int)ascii[k];
            if (c != e && (!IsLetter(c) || (c | 0x20) != (e | 0x20)))
            {
                return false;
            }
        }

        return true;
    }

    private static int DigitEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (i < s.Length && IsDigit(C(s[i])))
        {
            i++;
        }

        return i;
    }

    private static int UpperAlnumEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (i < s.Length && IsUpperAlnum(C(s[i])))
        {
            i++;
        }

        return i;
    }

    private static int Base64UrlEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (i < s.Length && IsBase64Url(C(s[i])))
        {
            i++;
        }

        return i;
    }

    private static bool DigitsAt<T>(ReadOnlySpan<T> s, int at, int count)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (at < 0 || at + count > s.Length)
        {
            return false;
        }

        for (var k = at; k < at + count; k++)
        {
            if (!IsDigit(C(s[k])))
            {
                return false;
            }
        }

        return true;
    }

    // A number ends here: no word character follows, nor a separator that continues it with more digits.
    private static bool EndsNumber<T>(ReadOnlySpan<T> s, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var after = Get(s, end);
        return !IsWord(after) && !(after is '-' or '.' && IsDigit(Get(s, end + 1)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int C<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => CodeUnit.Value(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Get<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => (uint)i < (uint)s.Length ? CodeUnit.Value(s[i]) : -1;

    private static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    private static bool IsUpper(int c) => (uint)(c - 'A') <= 'Z' - 'A';

    private static bool IsLetter(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsAlnum(int c) => IsDigit(c) || IsLetter(c);

    private static bool IsWord(int c) => IsAlnum(c) || c == '_';

    private static bool IsUpperAlnum(int c) => IsDigit(c) || IsUpper(c);

    private static bool IsHex(int c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 'f' - 'a';

    private static bool IsBase64Url(int c) => IsWord(c) || c == '-';

    private static bool IsTokenChar(int c) => IsBase64Url(c) || c is '.' or '~' or '+' or '/' or '=';

    private static bool IsEmailLocal(int c) => IsAlnum(c) || c is '.' or '_' or '%' or '+' or '-' || c >= 0x80;

    private static bool IsSpaceOrQuote(int c) => c is <= ' ' or '"' or '\'';

    private static bool IsValueStop(int c) => IsSpaceOrQuote(c) || c is '&' or ';' or ',' or ')' or ']' or '}' or '<' or '>';
}
