using System.Net;

namespace Enrichers.Geo;

/// <summary>Which addresses can be looked up: public unicast ones. Private, loopback, link-local, shared
/// (CGNAT), documentation, benchmarking, multicast and reserved ranges are not in GeoIP databases and get
/// no geo fields (IANA special-purpose registries, RFC 6890).</summary>
internal static class IpAddressRanges
{
    private static readonly (uint Network, int Prefix)[] NonPublicV4 =
    [
        (0x00000000, 8),    // "this network"
        (0x0A000000, 8),    // private
        (0x64400000, 10),   // shared address space (CGNAT)
        (0x7F000000, 8),    // loopback
        (0xA9FE0000, 16),   // link-local
        (0xAC100000, 12),   // private
        (0xC0000000, 24),   // IETF protocol assignments
        (0xC0000200, 24),   // documentation (TEST-NET-1)
        (0xC0586300, 24),   // 6to4 relay anycast (deprecated)
        (0xC0A80000, 16),   // private
        (0xC6120000, 15),   // benchmarking
        (0xC6336400, 24),   // documentation (TEST-NET-2)
        (0xCB007100, 24),   // documentation (TEST-NET-3)
        (0xE0000000, 4),    // multicast
        (0xF0000000, 4),    // reserved, and broadcast
    ];

    // Bit o: some range above starts with first octet o. Most public addresses are told by this bit alone, without a
    // test of every range (they are all tried for each public address otherwise).
    private static readonly ulong[] NonPublicFirstOctets = FirstOctets();

    public static bool IsPublic(IPAddress address) => IsPublic(ClientAddress.From(address));

    public static bool IsPublic(ClientAddress address)
    {
        if (address.IsV4)
        {
            return IsPublicV4(address.V4);
        }

        var high = address.High;
        if (high == 0)
        {
            // ::, ::1, and the deprecated IPv4-compatible ::a.b.c.d
            return false;
        }

        var first16 = (ushort)(high >> 48);
        if ((first16 & 0xE000) != 0x2000)
        {
            // Only 2000::/3 is allocated global unicast; this drops link-local fe80::/10, unique local fc00::/7,
            // multicast ff00::/8, discard 100::/64, 64:ff9b::/96 (NAT64) and every reserved block.
            return false;
        }

        if (first16 == 0x2001 && (ushort)(high >> 32) == 0x0DB8)
        {
            return false; // documentation 2001:db8::/32
        }

        if (first16 == 0x2002)
        {
            // 6to4 embeds an IPv4 address in bits 16-47: public only when that address is.
            return IsPublicV4((uint)(high >> 16));
        }

        return true;
    }

    private static bool IsPublicV4(uint value)
    {
        var first = value >> 24;
        if ((NonPublicFirstOctets[first >> 6] >> (int)(first & 63) & 1) == 0)
        {
            return true;
        }

        foreach (var (network, prefix) in NonPublicV4)
        {
            var mask = uint.MaxValue << (32 - prefix);
            if ((value & mask) == network)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong[] FirstOctets()
    {
        var bits = new ulong[4];
        foreach (var (network, prefix) in NonPublicV4)
        {
            // A range of prefix 8 or more has one first octet; a shorter one (multicast, reserved) spans several.
            var last = network | (prefix >= 32 ? 0 : uint.MaxValue >> prefix);
            for (var octet = network >> 24; octet <= last >> 24; octet++)
            {
                bits[octet >> 6] |= 1UL << (int)(octet & 63);
            }
        }

        return bits;
    }
}
