using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Enrichers.Geo;

/// <summary>An IPv4 or IPv6 address as a value: the GeoIP enricher parses, classifies, truncates, formats and looks
/// up one per record, and <see cref="IPAddress"/> costs an object (two for IPv6) and a string per address. IPv6 in
/// network order in <see cref="High"/> and <see cref="Low"/>; IPv4 in the low 32 bits of <see cref="Low"/>.
/// IPv4-mapped IPv6 addresses are held as IPv4 and the zone of a link-local address is not kept, as the enricher
/// has always read them.</summary>
internal readonly struct ClientAddress : IEquatable<ClientAddress>
{
    private const string HexDigits = "0123456789abcdef";

    private static readonly uint[] OctetTexts = OctetTextTable();

    private ClientAddress(ulong high, ulong low, bool isV4)
    {
        High = high;
        Low = low;
        IsV4 = isV4;
    }

    public ulong High { get; }

    public ulong Low { get; }

    public bool IsV4 { get; }

    /// <summary>The IPv4 address when <see cref="IsV4"/>.</summary>
    public uint V4 => (uint)Low;

    public static ClientAddress FromV4(uint address) => new(0, address, true);

    /// <summary>An IPv6 address; an IPv4-mapped one (<c>::ffff:a.b.c.d</c>) becomes the IPv4 address.</summary>
    public static ClientAddress FromV6(ulong high, ulong low) =>
        high == 0 && low >> 32 == 0xFFFF ? FromV4((uint)low) : new ClientAddress(high, low, false);

    public static ClientAddress From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        return length == 4
            ? FromV4(BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : FromV6(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        return new IPAddress(bytes[..WriteBytes(bytes)]);
    }

    public AddressFamily Family => IsV4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;

    /// <summary>Writes the address in network order (4 or 16 bytes) and returns the length.</summary>
    public int WriteBytes(Span<byte> destination)
    {
        if (IsV4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, V4);
            return 4;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
        return 16;
    }

    /// <summary>The network of the first <paramref name="prefix"/> bits (every later bit cleared).</summary>
    public ClientAddress Truncate(int prefix)
    {
        if (IsV4)
        {
            return FromV4(prefix >= 32 ? V4 : prefix <= 0 ? 0 : V4 & (uint.MaxValue << (32 - prefix)));
        }

        var high = prefix >= 64 ? High : prefix <= 0 ? 0 : High & (ulong.MaxValue << (64 - prefix));
        var low = prefix >= 128 ? Low : prefix <= 64 ? 0 : Low & (ulong.MaxValue << (128 - prefix));
        return new ClientAddress(high, low, false);
    }

    /// <summary>Writes the address as <see cref="IPAddress.ToString"/> does (RFC 5952 for IPv6) in ASCII and returns
    /// the length; at least 45 bytes of room.</summary>
    public int Format(Span<byte> destination)
    {
        if (IsV4)
        {
            return FormatV4(V4, destination);
        }

        if (HasEmbeddedIPv4Form())
        {
            // The forms the framework writes with a dotted tail (IPv4-compatible, -translated, ISATAP): rare in
            // client addresses, so left to it rather than copied.
            ToIPAddress().TryFormat(destination, out int written);
            return written;
        }

        // The words are read from the two halves as needed, not copied to the stack: a method with a stack buffer and a
        // loop is compiled once, fully, before its static data is set up, and then calls a helper for every read of it.
        var (zeroStart, zeroEnd) = LongestZeroRun();
        var n = 0;
        for (var i = 0; i < 8; i++)
        {
            if (i == zeroStart)
            {
                destination[n++] = (byte)':';
                destination[n++] = (byte)':';
                i = zeroEnd - 1;
                continue;
            }

            if (i > 0 && i != zeroEnd)
            {
                destination[n++] = (byte)':';
            }

            n += FormatHex(Word(i), destination[n..]);
        }

        return n;
    }

    public override string ToString()
    {
        Span<byte> text = stackalloc byte[64];
        return System.Text.Encoding.ASCII.GetString(text[..Format(text)]);
    }

    public bool Equals(ClientAddress other) => High == other.High && Low == other.Low && IsV4 == other.IsV4;

    public override bool Equals(object? obj) => obj is ClientAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(High, Low, IsV4);

    /// <summary>As the framework decides to write an IPv6 address with a dotted IPv4 tail (it does so for
    /// <c>::a.b.c.d</c>, <c>::ffff:0:a.b.c.d</c> and ISATAP <c>…:0:5efe:a.b.c.d</c>); true for a little more than
    /// that (any address whose first 64 bits are zero), which only sends a few more to the framework's own
    /// formatter.</summary>
    private bool HasEmbeddedIPv4Form() => High == 0 || Low >> 32 == 0x5EFE;

    /// <summary>The <paramref name="index"/>-th 16-bit word of an IPv6 address (0: the first written).</summary>
    private ushort Word(int index) => (ushort)((index < 4 ? High : Low) >> (48 - 16 * (index & 3)));

    /// <summary>The longest run of at least two zero words (the first of equal ones), as <c>[start, end)</c>;
    /// (-1, -1) when there is none.</summary>
    private (int Start, int End) LongestZeroRun()
    {
        var bestStart = -1;
        var bestLength = 0;
        var length = 0;
        for (var i = 0; i < 8; i++)
        {
            length = Word(i) == 0 ? length + 1 : 0;
            if (length > bestLength)
            {
                bestLength = length;
                bestStart = i - length + 1;
            }
        }

        return bestLength > 1 ? (bestStart, bestStart + bestLength) : (-1, -1);
    }

    private static int FormatHex(ushort word, Span<byte> destination)
    {
        var digits = word >= 0x1000 ? 4 : word >= 0x100 ? 3 : word >= 0x10 ? 2 : 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)HexDigits[word & 0xF];
            word >>= 4;
        }

        return digits;
    }

    private static int FormatV4(uint address, Span<byte> destination)
    {
        // Each octet's digits as four bytes at once from a table (the fourth, its length, is overwritten by the next dot
        // or left past the end): no division per digit.
        var n = 0;
        for (var shift = 24; shift > 0; shift -= 8)
        {
            var octet = OctetTexts[(int)(address >> shift) & 0xFF];
            BinaryPrimitives.WriteUInt32LittleEndian(destination[n..], octet);
            n += (int)(octet >> 24);
            destination[n++] = (byte)'.';
        }

        var last = OctetTexts[(int)address & 0xFF];
        BinaryPrimitives.WriteUInt32LittleEndian(destination[n..], last);
        return n + (int)(last >> 24);
    }

    /// <summary>The decimal text of each octet: its one to three ASCII digits in the low bytes, their count in the high byte.</summary>
    private static uint[] OctetTextTable()
    {
        var table = new uint[256];
        for (var octet = 0; octet < 256; octet++)
        {
            var text = octet.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var packed = (uint)text.Length << 24;
            for (var i = 0; i < text.Length; i++)
            {
                packed |= (uint)text[i] << (8 * i);
            }

            table[octet] = packed;
        }

        return table;
    }
}
