using System.Net;
using System.Net.Sockets;

namespace Enrichers.Geo;

/// <summary>Reads client addresses as log producers write them: bare IPv4/IPv6, with a port
/// (<c>1.2.3.4:5678</c>, <c>[2001:db8::1]:443</c>), IPv4-mapped IPv6, and comma lists as in
/// <c>X-Forwarded-For</c>.</summary>
internal static class ClientAddressParser
{
    /// <summary>Picks the address of a value that may be a list: the first public address, else the first
    /// valid one. False when no element is an address.</summary>
    public static bool TryPick(ReadOnlySpan<char> text, out IPAddress address)
    {
        IPAddress? firstValid = null;
        foreach (var range in text.Split(','))
        {
            if (!TryParse(text[range], out var candidate))
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

        address = firstValid!;
        return firstValid is not null;
    }

    /// <summary>Parses one address, strictly: the legacy forms <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// also accepts (<c>1.2.3</c>, <c>0x7f.1</c>, a bare integer) are refused.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
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
            return text.Contains(':') && TryParseExact(text, AddressFamily.InterNetworkV6, out address);
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

        return TryParseExact(text, AddressFamily.InterNetworkV6, out address);
    }

    private static bool TryParseExact(ReadOnlySpan<char> text, AddressFamily family, out IPAddress address)
    {
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != family)
        {
            address = IPAddress.None;
            return false;
        }

        // One address, one form: IPv4-mapped IPv6 is the IPv4 address, and a zone (fe80::1%eth0) is not
        // part of the address.
        if (parsed.IsIPv4MappedToIPv6)
        {
            parsed = parsed.MapToIPv4();
        }
        else if (family == AddressFamily.InterNetworkV6 && parsed.ScopeId != 0)
        {
            parsed.ScopeId = 0;
        }

        address = parsed;
        return true;
    }

    /// <summary>Exactly four decimal parts of 0–255. Parsed here because the framework follows inet_aton:
    /// it reads <c>010.1.1.1</c> as octal (8.1.1.1) and accepts short forms.</summary>
    private static bool TryParseDottedQuad(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> bytes = stackalloc byte[4];
        var part = 0;
        var value = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || part == 3)
                {
                    return false;
                }

                bytes[part++] = (byte)value;
                value = 0;
                digits = 0;
            }
            else if (char.IsAsciiDigit(c) && digits < 3)
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

        bytes[3] = (byte)value;
        address = new IPAddress(bytes);
        return true;
    }

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 5 && !text.ContainsAnyExceptInRange('0', '9');
}
