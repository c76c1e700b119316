using System.Buffers.Binary;
using System.Numerics;

namespace Enrichers.Masking;

/// <summary>Short raw values the built-in patterns found nothing in, by their exact bytes and the patterns
/// that were on. Half of a log record's strings repeat endlessly (levels, service and model names, methods,
/// versions, content types), and scanning one again cost more than finding it here. One per thread and
/// enricher (see <see cref="For"/>); direct-mapped and fixed in size, so a lookup or an insert never
/// allocates and a one-off value (a timestamp, an ID) simply takes the place of an older entry.
/// <para>Only "nothing to mask" is remembered, and only for the exact bytes: a hit can never hide PII.</para></summary>
internal sealed class CleanValueCache
{
    /// <summary>Longer values are rarely repeated and cost little per byte to scan.</summary>
    public const int MaxLength = 48;

    private const int SlotBits = 11;
    private const int Slots = 1 << SlotBits;

    [ThreadStatic]
    private static CleanValueCache? t_cache;

    private readonly byte[] _bytes = new byte[Slots * MaxLength];

    // Length + 1 of the value in each slot (0 = empty), its hash and the patterns it was scanned with.
    private readonly byte[] _lengths = new byte[Slots];
    private readonly uint[] _hashes = new uint[Slots];
    private readonly MaskPatterns[] _patterns = new MaskPatterns[Slots];
    private object? _owner;

    /// <summary>The calling thread's cache for <paramref name="owner"/>: entries made for another enricher
    /// (whose key rules may differ) are dropped first.</summary>
    public static CleanValueCache For(object owner)
    {
        var cache = t_cache ??= new CleanValueCache();
        if (!ReferenceEquals(cache._owner, owner))
        {
            Array.Clear(cache._lengths);
            cache._owner = owner;
        }

        return cache;
    }

    public bool Contains(ReadOnlySpan<byte> raw, MaskPatterns patterns)
    {
        var hash = Hash(raw);
        var slot = (int)(hash >> (32 - SlotBits));
        return _lengths[slot] == raw.Length + 1 && _hashes[slot] == hash && _patterns[slot] == patterns
            && raw.SequenceEqual(_bytes.AsSpan(slot * MaxLength, raw.Length));
    }

    public void Add(ReadOnlySpan<byte> raw, MaskPatterns patterns)
    {
        var hash = Hash(raw);
        var slot = (int)(hash >> (32 - SlotBits));
        raw.CopyTo(_bytes.AsSpan(slot * MaxLength, MaxLength));
        _lengths[slot] = (byte)(raw.Length + 1);
        _hashes[slot] = hash;
        _patterns[slot] = patterns;
    }

    private static uint Hash(ReadOnlySpan<byte> raw)
    {
        // Not a defence against chosen collisions, and need not be: equal hashes still compare the bytes.
        var h = (ulong)raw.Length * 0x9E3779B97F4A7C15UL;
        var i = 0;
        for (; i + 8 <= raw.Length; i += 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(raw[i..])) * 0xC2B2AE3D27D4EB4FUL, 31);
        }

        if (i < raw.Length)
        {
            ulong tail = 0;
            for (var k = raw.Length - 1; k >= i; k--)
            {
                tail = (tail << 8) | raw[k];
            }

            h = BitOperations.RotateLeft((h ^ tail) * 0xC2B2AE3D27D4EB4FUL, 31);
        }

        h ^= h >> 29;
        h *= 0x165667B19E3779F9UL;
        return (uint)(h >> 32);
    }
}
