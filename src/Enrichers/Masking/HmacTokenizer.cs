using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Enrichers.Masking;

/// <summary>Keyed tokens <c>[type:hex]</c>: the first bytes of HMAC-SHA256(key, type + ":" + value) in lowercase
/// hex. Thread-safe: each thread keeps its own keyed HMAC (no key set-up per value) and a bounded cache of
/// recent tokens, since the same addresses and keys recur record after record. Never exposes the key.</summary>
internal sealed class HmacTokenizer
{
    private const int CacheLimit = 4096;

    private readonly byte[] _key;
    private readonly int _tokenBytes;
    private readonly ThreadLocal<HmacThreadState> _state;

    public HmacTokenizer(byte[] key, int tokenBytes)
    {
        _key = key;
        _tokenBytes = tokenBytes;
        _state = new ThreadLocal<HmacThreadState>(() => new HmacThreadState(IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key)));
    }

    public string Token(string type, ReadOnlySpan<char> value)
    {
        var state = _state.Value!;
        var length = type.Length + 1 + value.Length;
        var rentedChars = length > 256 ? ArrayPool<char>.Shared.Rent(length) : null;
        Span<char> input = rentedChars ?? stackalloc char[256];
        type.CopyTo(input);
        input[type.Length] = ':';
        value.CopyTo(input[(type.Length + 1)..]);
        input = input[..length];
        try
        {
            var lookup = state.Cache.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(input, out var cached))
            {
                return cached;
            }

            var token = Compute(state.Hmac, type, input);
            if (state.Cache.Count >= CacheLimit)
            {
                state.Cache.Clear();
            }

            lookup[input] = token;
            return token;
        }
        finally
        {
            input.Clear();
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }
        }
    }

    public override string ToString() => "hmac-sha256";

    private string Compute(IncrementalHash hmac, string type, ReadOnlySpan<char> input)
    {
        var max = Encoding.UTF8.GetMaxByteCount(input.Length);
        var rented = max > 1024 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> bytes = rented ?? stackalloc byte[1024];
        var n = Encoding.UTF8.GetBytes(input, bytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.AppendData(bytes[..n]);
        hmac.GetHashAndReset(mac);
        bytes[..n].Clear();
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return "[" + type + ":" + Convert.ToHexStringLower(mac[.._tokenBytes]) + "]";
    }
}
