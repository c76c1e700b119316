using System.Buffers;
using System.Buffers.Binary;

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

    /// <summary>Seeded per process (<see cref="HashCode"/>): IDs come from producers, and a predictable hash would
    /// let one flood the table. The 128 bits go in as they are (not folded to fewer first), so that colliding IDs
    /// cannot be chosen without knowing the seed.</summary>
    public int Hash { get; }

    /// <summary>True for an ID longer than <see cref="InlineLength"/> bytes that is not packed: the trace keeps the
    /// whole ID in an array.</summary>
    public static bool IsLong(ushort shape) => (shape & PackedFlag) == 0 && shape > InlineLength;

    public static int HashOf(ulong low, ulong high, ushort shape, ReadOnlySpan<byte> whole)
    {
        var hash = default(HashCode);
        hash.Add((uint)low);
        hash.Add((uint)(low >> 32));
        hash.Add((uint)high);
        hash.Add((uint)(high >> 32));
        hash.Add(shape);
        if (whole.Length > InlineLength)
        {
            hash.AddBytes(whole[InlineLength..]);
        }

        return hash.ToHashCode();
    }

    /// <summary>The key of 32 lowercase hex characters (W3C's form), packed into 16 bytes; false (and
    /// <paramref name="key"/> default) for anything else. Uppercase is not packed: packed, it would equal its
    /// lowercase form, and IDs compare byte for byte. Such an ID is also one that
    /// <see cref="TraceIds.NormalizeProducerId(ReadOnlySpan{byte}, Span{byte}, out bool)"/> keeps as sent, so a caller
    /// that packs first need not normalize.</summary>
    public static bool TryPacked(ReadOnlySpan<byte> id, out TraceKey key)
    {
        Span<byte> packed = stackalloc byte[InlineLength];
        if (id.Length != HexIdLength
            || Convert.FromHexString(id, packed, out _, out var written) != OperationStatus.Done
            || written != InlineLength
            || id.ContainsAnyInRange((byte)'A', (byte)'F'))
        {
            key = default;
            return false;
        }

        var low = BinaryPrimitives.ReadUInt64LittleEndian(packed);
        var high = BinaryPrimitives.ReadUInt64LittleEndian(packed[8..]);
        key = new TraceKey(low, high, HashOf(low, high, HexIdLength | PackedFlag, default));
        return true;
    }

    /// <summary>A packed key remembered from <see cref="TryPacked"/> (its three parts), made again without hashing.</summary>
    public static TraceKey Packed(ulong low, ulong high, int hash) => new(low, high, hash);
}
