using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Enrichers.Geo;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Public IPv4 and global unicast IPv6 addresses; private, reserved and network addresses are kept.</summary>
internal static class IpDetector
{
    public static IpResult Ipv4<T>(ReadOnlySpan<T> s, ref ScanState st, int i, int prev, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i;
        if ((prev == '-' && IsLetter(Get(s, i - 2))) || NumberContext.AfterProductSlash(s, i))
        {
            // app-1.2.3.4, agent/1.2.3.4: versions.
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

            var run = st.DigitEnd(s, pos);
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
    public static IpResult Ipv6<T>(ReadOnlySpan<T> s, int i, out int end)
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

        // Hex groups only, as addresses in logs nearly always are, are read without the framework's parser, which
        // allocates an IPAddress per address (the only allocation left in the chain on PII-dense lines); it accepts
        // the same texts with the same value (ClientAddressTests compares the two). Other forms go to the framework.
        if (!ClientAddressParser.TryParsePlainV6(text[..length], out var high, out var low))
        {
            Span<byte> bytes = stackalloc byte[16];
            if (!IPAddress.TryParse(text[..length], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6
                || !address.TryWriteBytes(bytes, out _))
            {
                return IpResult.NotAnAddress;
            }

            high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        }

        end = pos;

        // Global unicast is 2000::/3 (the first three bits 001); a /48 network (GeoIP's truncation: the first six
        // bytes, then zeros) names no host.
        return high >> 61 == 1 && ((high & 0xFFFF) != 0 || low != 0) ? IpResult.Public : IpResult.Kept;
    }
}
