using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Enrichers.Geo;

/// <summary>Turns an address into what may be stored: its network (truncation) and, with a key, a keyed
/// HMAC-SHA256 token. Never an unkeyed hash: the IPv4 space is small enough to reverse one by brute force.
/// Thread-safe.</summary>
internal sealed class IpAnonymizer
{
    private readonly byte[]? _key;
    private readonly int _v4Prefix;
    private readonly int _v6Prefix;

    public IpAnonymizer(int v4Prefix, int v6Prefix, byte[]? key)
    {
        _v4Prefix = v4Prefix;
        _v6Prefix = v6Prefix;
        _key = key;
    }

    /// <summary>The address with every bit after the prefix cleared, e.g. <c>81.2.69.0</c>,
    /// <c>2001:db8:1::</c>: still a valid value of an Elasticsearch <c>ip</c> field.</summary>
    public string Truncate(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? _v4Prefix : _v6Prefix;
        for (var bit = prefix; bit < length * 8; bit++)
        {
            bytes[bit >> 3] &= (byte)~(0x80 >> (bit & 7));
        }

        return new IPAddress(bytes).ToString();
    }

    /// <summary>32 hex digits: the first 128 bits of HMAC-SHA256(key, canonical address text). The same
    /// address gives the same token however it was written (port, IPv4-mapped form).</summary>
    public string Token(IPAddress address)
    {
        if (_key is null)
        {
            throw new InvalidOperationException("No HMAC key is configured.");
        }

        Span<byte> text = stackalloc byte[64];
        var written = Encoding.ASCII.GetBytes(address.ToString(), text);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, text[..written], mac);
        return Convert.ToHexStringLower(mac[..16]);
    }
}
