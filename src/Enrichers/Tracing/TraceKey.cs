using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Enrichers.Tracing;

/// <summary>A trace ID (UTF-8) in the form <see cref="TraceTable"/> keeps it. Nearly every ID is W3C's (or B3's
/// 128-bit) 32 lowercase hex characters: those are keyed by their 16 bytes; other IDs by their first 16 bytes (zero
/// padded) and, beyond 16 bytes, the whole ID in an array of the trace's own. <see cref="Shape"/> (length and form)
/// keeps IDs apart that share those bytes in different forms.</summary>
internal readonly ref struct TraceKey
{
    /// <summary>The length of a W3C trace ID in hex characters.</summary>
    private const int HexIdLength = 32;

    /// <summary>Set in <see cref="Shape"/> for a packed hex ID (lengths stay far below it: at most 768 bytes).</summary>
    private const ushort PackedFlag = 0x8000;

    // The keys of HashOf, drawn once per process; static readonly, so the compiled hash reads them as constants.
    private static readonly ulong HashKey0 = RandomKey();
    private static readonly ulong HashKey1 = RandomKey();
    private static readonly ulong HashKey2 = RandomKey();
    private static readonly ulong HashKey3 = RandomKey();

    public TraceKey(ReadOnlySpan<byte> id)
    {
        if (TryPacked(id, out var packed))
        {
            this = packed;
            return;
        }

        Span<byte> first = stackalloc byte[InlineLength];
        id[..Math.Min(id.Length, InlineLength)].CopyTo(first);
        Shape = (ushort)id.Length;
        Rest = id.Length > InlineLength ? id : default;
        Low = BinaryPrimitives.ReadUInt64LittleEndian(first);
        High = BinaryPrimitives.ReadUInt64LittleEndian(first[8..]);
        Hash = HashOf(Low, High, Shape, Rest);
    }

    private TraceKey(ulong low, ulong high, int hash)
    {
        Low = low;
        High = high;
        Shape = HexIdLength | PackedFlag;
        Hash = hash;
    }

    /// <summary>Bytes of an ID kept in the key itself.</summary>
    public const int InlineLength = 16;

    public ulong Low { get; }

    public ulong High { get; }

    /// <summary>The ID's length in bytes, with a flag for the packed hex form.</summary>
    public ushort Shape { get; }

    /// <summary>The whole ID when it is longer than <see cref="InlineLength"/> and not packed (compared byte for
    /// byte); empty otherwise.</summary>
    public ReadOnlySpan<byte> Rest { get; }

    /// <summary>Seeded per process (see <see cref="HashOf"/>): IDs come from producers, and a predictable hash would
    /// let one flood the table. The 128 bits go in as they are (not folded to fewer first), so that colliding IDs
    /// cannot be chosen without knowing the seed.</summary>
    public int Hash { get; }

    /// <summary>True for an ID longer than <see cref="InlineLength"/> bytes that is not packed: the trace keeps the
    /// whole ID in an array.</summary>
    public static bool IsLong(ushort shape) => (shape & PackedFlag) == 0 && shape > InlineLength;

    /// <summary>Two folded 64×64→128-bit multiplies (wyhash's mixing step) under four random per-process keys: the
    /// 128 bits of <paramref name="low"/> and <paramref name="high"/> are one product, which the ID's shape and the
    /// seeded <see cref="HashCode"/> of the bytes past the first 16 (long IDs only) then mix with. Every record hashes its
    /// ID, and at the budget the oldest trace's too; <see cref="HashCode"/> over the five parts cost several times this.
    /// A fold loses bits, but which inputs collide depends on the keys, which a producer cannot see.</summary>
    public static int HashOf(ulong low, ulong high, ushort shape, ReadOnlySpan<byte> whole)
    {
        ulong rest = shape;
        if (whole.Length > InlineLength)
        {
            var bytes = default(HashCode);
            bytes.AddBytes(whole[InlineLength..]);
            rest |= (ulong)(uint)bytes.ToHashCode() << 16;
        }

        var mixed = Fold(Fold(low ^ HashKey0, high ^ HashKey1) ^ HashKey2, rest ^ HashKey3);
        return (int)(mixed ^ (mixed >> 32));

        static ulong Fold(ulong a, ulong b)
        {
            var upper = Math.BigMul(a, b, out var lower);
            return upper ^ lower;
        }
    }

    /// <summary>The key of 32 lowercase hex characters (W3C's form), packed into 16 bytes; false (and
    /// <paramref name="key"/> default) for anything else. Uppercase is not packed: packed, it would equal its
    /// lowercase form, and IDs compare byte for byte. Such an ID is also one that
    /// <see cref="TraceIds.NormalizeProducerId(ReadOnlySpan{byte}, Span{byte}, out bool)"/> keeps as sent, so a caller
    /// that packs first need not normalize.</summary>
    public static bool TryPacked(ReadOnlySpan<byte> id, out TraceKey key)
    {
        if (!TryPackLowercaseHex(id, out var low, out var high))
        {
            key = default;
            return false;
        }

        key = new TraceKey(low, high, HashOf(low, high, HexIdLength | PackedFlag, default));
        return true;
    }

    /// <summary>The 16 bytes that <paramref name="id"/>, 32 lowercase hex characters, spells, as two little-endian halves (what
    /// <see cref="Convert.FromHexString(ReadOnlySpan{byte}, Span{byte}, out int, out int)"/> writes, read as two
    /// <see cref="ulong"/>s); false for another length or a character that is not 0-9 or a-f. Every record with a W3C <c>trace_id</c> is
    /// packed, so the check and the decode are one pass over two vectors (no call, no second pass for uppercase).</summary>
    internal static bool TryPackLowercaseHex(ReadOnlySpan<byte> id, out ulong low, out ulong high)
    {
        if (id.Length != HexIdLength)
        {
            (low, high) = (0, 0);
            return false;
        }

        if (!Vector128.IsHardwareAccelerated || !BitConverter.IsLittleEndian)
        {
            return TryPackLowercaseHexScalar(id, out low, out high);
        }

        ref var first = ref MemoryMarshal.GetReference(id);
        var left = Nibbles(Vector128.LoadUnsafe(ref first), out var leftValid);
        var right = Nibbles(Vector128.LoadUnsafe(ref first, 16), out var rightValid);
        if (!Vector128.EqualsAll(leftValid & rightValid, Vector128<byte>.AllBitsSet))
        {
            (low, high) = (0, 0);
            return false;
        }

        // Each pair of nibbles, read as a little-endian ushort, holds the first (high) nibble in its low byte.
        var packed = Vector128.Narrow(Pairs(left.AsUInt16()), Pairs(right.AsUInt16())).AsUInt64();
        (low, high) = (packed.GetElement(0), packed.GetElement(1));
        return true;

        static Vector128<ushort> Pairs(Vector128<ushort> v) => ((v & Vector128.Create((ushort)0xFF)) << 4) | (v >> 8);
    }

    /// <summary>The value of each lowercase hex character; <paramref name="valid"/> has all bits set where the byte
    /// is one.</summary>
    private static Vector128<byte> Nibbles(Vector128<byte> v, out Vector128<byte> valid)
    {
        // Byte lanes compare unsigned: a byte below '0' or 'a' wraps to a large value.
        var digit = v - Vector128.Create((byte)'0');
        var letter = v - Vector128.Create((byte)'a');
        var isDigit = Vector128.LessThan(digit, Vector128.Create((byte)10));
        var isLetter = Vector128.LessThan(letter, Vector128.Create((byte)6));
        valid = isDigit | isLetter;
        return Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10));
    }

    private static bool TryPackLowercaseHexScalar(ReadOnlySpan<byte> id, out ulong low, out ulong high)
    {
        Span<byte> packed = stackalloc byte[InlineLength];
        if (Convert.FromHexString(id, packed, out _, out var written) != OperationStatus.Done
            || written != InlineLength
            || id.ContainsAnyInRange((byte)'A', (byte)'F'))
        {
            (low, high) = (0, 0);
            return false;
        }

        low = BinaryPrimitives.ReadUInt64LittleEndian(packed);
        high = BinaryPrimitives.ReadUInt64LittleEndian(packed[8..]);
        return true;
    }

    private static ulong RandomKey()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>A packed key remembered from <see cref="TryPacked"/> (its three parts), made again without hashing.</summary>
    public static TraceKey Packed(ulong low, ulong high, int hash) => new(low, high, hash);
}
