using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
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

        // The octets in locals, not a stackalloc'd array: a method with a stackalloc is compiled once without profile
        // data, and this one runs at every dotted number.
        int a = 0, b = 0, last = 0;
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

            if (k == 0)
            {
                a = value;
            }
            else if (k == 1)
            {
                b = value;
            }
            else
            {
                last = value;
            }

            pos = run;
        }

        end = pos;
        var after = Get(s, pos);
        if (IsWord(after) || (after == '.' && IsDigit(Get(s, pos + 1))) || (after == '-' && IsLetter(Get(s, pos + 1))))
        {
            // 1.2.3.4.5, 1.2.3.4-beta: versions.
            return IpResult.NotAnAddress;
        }

        var kept = a is 0 or 10 or 127 or >= 224 || (a == 169 && b == 254) || (a == 172 && b is >= 16 and <= 31)
            || (a == 192 && b == 168) || last == 0;
        return kept ? IpResult.Kept : IpResult.Public;
    }

    /// <summary>The longest IPv6 text read (an IPv4-mapped address written in full is 45 characters).</summary>
    private const int MaxAddressLength = 46;

    private static readonly SearchValues<byte> ByteAddressChars = SearchValues.Create("0123456789abcdefABCDEF:."u8);
    private static readonly SearchValues<char> CharAddressChars = SearchValues.Create("0123456789abcdefABCDEF:.");

    // Global unicast (2000::/3) addresses: the first group is four hex digits starting with 2 or 3.
    public static IpResult Ipv6<T>(ReadOnlySpan<T> s, int i, out int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        end = i;
        if (!IsHex(Get(s, i + 1)) || !IsHex(Get(s, i + 2)) || !IsHex(Get(s, i + 3)) || Get(s, i + 4) != ':')
        {
            return IpResult.NotAnAddress;
        }

        // The run of hex digits, colons and dots (at most 46 units) and its colons, each in one vectorized search: a
        // loop that branched on every unit mispredicted at each group's end.
        var window = s.Slice(i, Math.Min(MaxAddressLength, s.Length - i));
        var rel = IndexOfAnyExcept(window, ByteAddressChars, CharAddressChars);
        var pos = i + (rel < 0 ? window.Length : rel);
        if (IsWord(Get(s, pos)) || Count(s[i..pos], ':') < 2)
        {
            return IpResult.NotAnAddress;
        }

        // A sentence may end right after the address ("... 2001:db8::1." or "... 2001:db8::1:").
        while (pos > i && (C(s[pos - 1]) == '.' || (C(s[pos - 1]) == ':' && C(s[pos - 2]) != ':')))
        {
            pos--;
        }

        Span<char> text = stackalloc char[MaxAddressLength];
        var length = pos - i;
        if (typeof(T) == typeof(byte))
        {
            // Hex digits, colons and dots only: ASCII, widened in one vectorized copy.
            System.Text.Ascii.ToUtf16(MemoryMarshal.Cast<T, byte>(s.Slice(i, length)), text, out _);
        }
        else
        {
            MemoryMarshal.Cast<T, char>(s.Slice(i, length)).CopyTo(text);
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

    private static int IndexOfAnyExcept<T>(ReadOnlySpan<T> s, SearchValues<byte> bytes, SearchValues<char> chars)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s).IndexOfAnyExcept(bytes)
            : MemoryMarshal.Cast<T, char>(s).IndexOfAnyExcept(chars);

    private static int Count<T>(ReadOnlySpan<T> s, char ascii)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s).Count((byte)ascii)
            : MemoryMarshal.Cast<T, char>(s).Count(ascii);
}
