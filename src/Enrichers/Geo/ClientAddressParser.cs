using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Enrichers.Geo;

/// <summary>Reads client addresses as log producers write them: bare IPv4/IPv6, with a port
/// (<c>1.2.3.4:5678</c>, <c>[2001:db8::1]:443</c>), IPv4-mapped IPv6, and comma lists as in
/// <c>X-Forwarded-For</c>.</summary>
internal static class ClientAddressParser
{
    private static readonly SearchValues<byte> DigitsAndDots = SearchValues.Create("0123456789."u8);

    /// <summary>Picks the address of a value that may be a list: the first public address, else the first
    /// valid one. False when no element is an address.</summary>
    public static bool TryPick(ReadOnlySpan<char> text, out ClientAddress address)
    {
        ClientAddress? firstValid = null;
        foreach (var range in text.Split(','))
        {
            if (!TryParse(text[range], out ClientAddress candidate))
            {
                continue;
            }

            if (IpAddressRanges.IsPublic(candidate))
            {
                address = candidate;
                return true;
            }

            firstValid ??= candidate;
        }

        address = firstValid.GetValueOrDefault();
        return firstValid is not null;
    }

    /// <summary>Parses one address, strictly: the legacy forms <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// also accepts (<c>1.2.3</c>, <c>0x7f.1</c>, a bare integer) are refused.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ClientAddress address)
    {
        address = default;
        text = text.Trim();
        if (text.IsEmpty || text.Length > 64)
        {
            return false;
        }

        if (text[0] == '[')
        {
            // [v6] or [v6]:port
            var close = text.IndexOf(']');
            if (close < 0 || !(close == text.Length - 1 || (text[close + 1] == ':' && IsPort(text[(close + 2)..]))))
            {
                return false;
            }

            text = text[1..close];
            return text.Contains(':') && TryParseV6(text, out address);
        }

        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            return TryParseDottedQuad(text, out address);
        }

        if (colon == text.LastIndexOf(':'))
        {
            // Exactly one colon: IPv4 with a port.
            var host = text[..colon];
            return IsPort(text[(colon + 1)..]) && TryParseDottedQuad(host, out address);
        }

        return TryParseV6(text, out address);
    }

    private static bool TryParseV6(ReadOnlySpan<char> text, out ClientAddress address)
    {
        if (TryParsePlainV6(text, out address))
        {
            return true;
        }

        // Dotted tails, zones and whatever else the framework reads (and what it refuses).
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            address = default;
            return false;
        }

        // One address, one form: IPv4-mapped IPv6 is the IPv4 address (ClientAddress.FromV6), and a zone
        // (fe80::1%eth0) is not part of the address.
        address = ClientAddress.From(parsed);
        return true;
    }

    /// <summary>IPv6 written as hex groups only (1-4 digits each, at most one <c>::</c>): what client addresses nearly
    /// always look like, read here without the framework's objects. False for anything else, which the framework then
    /// reads, so this accepts only text it accepts, with the same value (a test compares the two).</summary>
    private static bool TryParsePlainV6(ReadOnlySpan<char> text, out ClientAddress address)
    {
        var parsed = TryParsePlainV6(text, out var high, out var low);
        address = parsed ? ClientAddress.FromV6(high, low) : default;
        return parsed;
    }

    /// <summary>As <see cref="TryParsePlainV6(ReadOnlySpan{char}, out ClientAddress)"/>, giving the 128 bits as they are
    /// (an IPv4-mapped address stays IPv6): masking's IPv6 pattern reads addresses in text with it.</summary>
    internal static bool TryParsePlainV6(ReadOnlySpan<char> text, out ulong high, out ulong low) => TryParsePlainV6<char>(text, out high, out low);

    /// <summary>As <see cref="TryParsePlainV6(ReadOnlySpan{char}, out ulong, out ulong)"/>, for chars or UTF-8 bytes alike.</summary>
    private static bool TryParsePlainV6<T>(ReadOnlySpan<T> text, out ulong high, out ulong low)
        where T : unmanaged, IBinaryInteger<T>
    {
        high = low = 0;

        // The words read so far, the last in the low 16 bits: no stack buffer, which would have the method compiled once,
        // fully, before its static data is set up.
        var words = UInt128.Zero;
        var count = 0;
        var gap = -1;
        var i = 0;
        if (text.Length >= 2 && int.CreateTruncating(text[0]) == ':' && int.CreateTruncating(text[1]) == ':')
        {
            gap = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            var value = 0;
            var digits = 0;
            for (; i < text.Length && digits < 5 && HexValue(int.CreateTruncating(text[i])) is var digit and >= 0; i++, digits++)
            {
                value = value << 4 | digit;
            }

            if (digits is 0 or > 4 || count == 8)
            {
                return false;
            }

            words = words << 16 | (uint)value;
            count++;
            if (i == text.Length)
            {
                break;
            }

            if (int.CreateTruncating(text[i]) != ':' || ++i == text.Length)
            {
                return false;
            }

            if (int.CreateTruncating(text[i]) == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        if (gap >= 0)
        {
            // The words before the gap move to the top; the gap is zeros.
            var afterBits = 16 * (count - gap);
            var after = afterBits == 0 ? UInt128.Zero : words & (UInt128.MaxValue >> (128 - afterBits));
            var before = gap == 0 ? UInt128.Zero : (words >> afterBits) << (16 * (8 - gap));
            words = before | after;
        }

        high = (ulong)(words >> 64);
        low = (ulong)words;
        return true;
    }

    /// <summary>The value of ASCII hex digit <paramref name="c"/>, -1 for any other char.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int HexValue(int c) => (uint)(c - '0') <= 9 ? c - '0' : (uint)((c | 0x20) - 'a') <= 5 ? (c | 0x20) - 'a' + 10 : -1;

    /// <summary>As <see cref="TryPick"/> for UTF-8 <paramref name="text"/> made only of digits and dots, or only of hex
    /// digits and colons (how nearly every producer writes a client address), read from the bytes without decoding them:
    /// such text is one list element with nothing to trim, no brackets and no port, so <see cref="TryPick"/> gives the
    /// answer of the dotted-quad parse, or of the parse of IPv6 hex groups when that one accepts it (it sees at least two
    /// colons then, so <see cref="TryParse"/> reads the text as IPv6). False with <paramref name="read"/> false for any
    /// other text (or none), and for hex and colons that are not plain IPv6 (which <see cref="TryParse"/> leaves to the
    /// framework): <see cref="TryPick"/> reads those.</summary>
    public static bool TryPickPlain(ReadOnlySpan<byte> text, out ClientAddress address, out bool read)
    {
        // The usual IPv4 address first, in the one pass of its parse: only digits and dots pass it.
        if (TryParseDottedQuad(text, out address))
        {
            read = true;
            return true;
        }

        if (text.IsEmpty)
        {
            read = false;
            return false;
        }

        if (!text.ContainsAnyExcept(DigitsAndDots))
        {
            // Digits and dots that are not a dotted quad: not an address, as TryPick would find.
            read = true;
            return false;
        }

        // The parse of hex groups refuses any other char itself.
        read = TryParsePlainV6(text, out var high, out var low);
        address = read ? ClientAddress.FromV6(high, low) : default;
        return read;
    }

    /// <summary>Exactly four decimal parts of 0–255. Parsed here because the framework follows inet_aton:
    /// it reads <c>010.1.1.1</c> as octal (8.1.1.1) and accepts short forms. For chars or UTF-8 bytes alike.</summary>
    private static bool TryParseDottedQuad<T>(ReadOnlySpan<T> text, out ClientAddress address)
        where T : unmanaged, IBinaryInteger<T>
    {
        address = default;
        uint bytes = 0;
        var part = 0;
        var value = 0;
        var digits = 0;
        foreach (var unit in text)
        {
            var c = int.CreateTruncating(unit);
            if (c == '.')
            {
                if (digits == 0 || part == 3)
                {
                    return false;
                }

                bytes = bytes << 8 | (uint)value;
                part++;
                value = 0;
                digits = 0;
            }
            else if (c is >= '0' and <= '9' && digits < 3)
            {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (part != 3 || digits == 0)
        {
            return false;
        }

        address = ClientAddress.FromV4(bytes << 8 | (uint)value);
        return true;
    }

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 5 && !text.ContainsAnyExceptInRange('0', '9');
}
