using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Enrichers.Geo;

/// <summary>Turns an address into what may be stored: its network (truncation) and, with a key, a keyed
/// HMAC-SHA256 token. Never an unkeyed hash: the IPv4 space is small enough to reverse one by brute force.
/// Thread-safe; writes into the caller's spans, so a record costs no allocation.</summary>
internal sealed class IpAnonymizer
{
    /// <summary>Room for the text of any address (<see cref="ClientAddress.Format"/>).</summary>
    public const int MaxTextLength = 64;

    /// <summary>Length of a token (<see cref="WriteToken"/>).</summary>
    public const int TokenLength = 32;

    private readonly byte[]? _key;
    private readonly int _v4Prefix;
    private readonly int _v6Prefix;

    public IpAnonymizer(int v4Prefix, int v6Prefix, byte[]? key)
    {
        _v4Prefix = v4Prefix;
        _v6Prefix = v6Prefix;
        _key = key;
    }

    /// <summary>The address with every bit after the prefix cleared, e.g. <c>81.2.69.0</c>, <c>2001:db8:1::</c>
    /// (still a valid value of an Elasticsearch <c>ip</c> field), written in ASCII into
    /// <paramref name="destination"/> (<see cref="MaxTextLength"/> bytes); returns the length.</summary>
    public int WriteTruncated(ClientAddress address, Span<byte> destination) =>
        address.Truncate(address.IsV4 ? _v4Prefix : _v6Prefix).Format(destination);

    /// <summary>The token of <paramref name="address"/>: the first 128 bits of HMAC-SHA256(key, canonical address
    /// text), as two numbers (big-endian halves) that <see cref="WriteToken"/> writes. The same address gives the same
    /// token however it was written (port, IPv4-mapped form).</summary>
    public (ulong High, ulong Low) Token(ClientAddress address)
    {
        if (_key is null)
        {
            throw new InvalidOperationException("No HMAC key is configured.");
        }

        Span<byte> text = stackalloc byte[MaxTextLength];
        var written = address.Format(text);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, text[..written], mac);
        return (BinaryPrimitives.ReadUInt64BigEndian(mac), BinaryPrimitives.ReadUInt64BigEndian(mac[8..]));
    }

    /// <summary>A token as 32 lowercase hex digits in ASCII (<see cref="TokenLength"/> bytes).</summary>
    public static void WriteToken(ulong high, ulong low, Span<byte> destination)
    {
        for (var i = 0; i < 16; i++)
        {
            var b = (int)((i < 8 ? high >> (56 - 8 * i) : low >> (120 - 8 * i)) & 0xFF);
            destination[2 * i] = (byte)"0123456789abcdef"[b >> 4];
            destination[2 * i + 1] = (byte)"0123456789abcdef"[b & 0xF];
        }
    }
}
