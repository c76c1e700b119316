using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Enrichers.Geo;

/// <summary>The search tree of a MaxMind DB: where its parts lie in the file, and the walk from an address to
/// its data record. The walk gives the record's offset, which is the record's identity: networks that share
/// a record (most of a City database's millions do) share one decoded result in <see cref="GeoDatabase"/>.
/// MaxMind's reader has no public call that returns it.</summary>
internal sealed class MaxMindSearchTree
{
    /// <summary>What <see cref="Lookup"/> returns for an address in no network.</summary>
    public const int NotFound = -1;

    /// <summary>What <see cref="Lookup"/> returns when the tree is corrupt on the address's path.</summary>
    public const int CorruptPath = int.MinValue;

    /// <summary>What <see cref="Lookup"/> returns for an IPv6 address in an IPv4-only database.</summary>
    public const int WrongFamily = int.MinValue + 1;

    /// <summary>Bits of an IPv4 address resolved by one read of a table. The first levels of the tree are the
    /// ones every walk reads, but their nodes lie scattered over tens of megabytes, so on a distinct address
    /// each is a cache miss; one read of a table of 2^20 entries (4 MiB) replaces the first 20 dependent reads.
    /// docs/geoip.md gives the measured walk times of 16, 20 and 22 bits.</summary>
    public const int Ipv4TableBits = 20;

    private const int DataSectionSeparator = 16;

    // IPv4 addresses live under ::/96 of an IPv6 tree; the node there is found once, as MaxMind's reader does.
    private readonly long _ipv4Start;

    // Where the walk of each IPv4 prefix of TableBits bits stands after them: the node, or the record (data or
    // empty) that ended the walk earlier.
    private readonly uint[]? _ipv4Table;

    /// <param name="file">The whole file, to find the IPv4 start node.</param>
    public MaxMindSearchTree(ReadOnlySpan<byte> file, long nodeCount, int recordSize, int ipVersion, int dataEnd)
        : this(file, nodeCount, recordSize, ipVersion, dataEnd, Ipv4TableBits)
    {
    }

    /// <param name="tableBits">Bits of the IPv4 table (tests and benchmarks vary it).</param>
    internal MaxMindSearchTree(ReadOnlySpan<byte> file, long nodeCount, int recordSize, int ipVersion, int dataEnd, int tableBits)
    {
        NodeCount = nodeCount;
        RecordSize = recordSize;
        IpVersion = ipVersion;
        TableBits = tableBits;
        TreeSize = checked((int)(nodeCount * recordSize / 4));
        DataStart = TreeSize + DataSectionSeparator;
        DataSize = dataEnd - DataStart;
        var node = 0L;
        for (var i = 0; ipVersion == 6 && i < 96 && node < nodeCount; i++)
        {
            node = ReadRecord(file, node, 0, recordSize);
        }

        _ipv4Start = node;
        if (nodeCount <= uint.MaxValue)
        {
            _ipv4Table = new uint[1 << tableBits];
            Fill(file, _ipv4Table, _ipv4Start, 0, 0);
        }
    }

    public int TableBits { get; }

    public long NodeCount { get; }

    /// <summary>Bits per record: 24, 28 or 32.</summary>
    public int RecordSize { get; }

    public int IpVersion { get; }

    /// <summary>Bytes of the tree, from the start of the file.</summary>
    public int TreeSize { get; }

    /// <summary>Where the data section starts in the file (after the tree and its 16-byte separator).</summary>
    public int DataStart { get; }

    public int DataSize { get; }

    /// <summary>The data-section offset of the record of <paramref name="address"/> (4 or 16 bytes, network
    /// order), or -1 when the address is in no network.</summary>
    /// <exception cref="InvalidDataException">The tree is corrupt on this address's path, or an IPv6 address
    /// was looked up in an IPv4 database.</exception>
    public int Find(ReadOnlySpan<byte> file, ReadOnlySpan<byte> address) => ThrowIfFailed(Lookup(file, address));

    /// <summary>As <see cref="Find"/>, but a failure is a code (<see cref="CorruptPath"/>,
    /// <see cref="WrongFamily"/>) rather than an exception.</summary>
    public int Lookup(ReadOnlySpan<byte> file, ReadOnlySpan<byte> address)
    {
        if (!TryStart(address, out var node, out var i))
        {
            return WrongFamily;
        }

        var bits = address.Length * 8;
        for (; i < bits && node < NodeCount; i++)
        {
            node = ReadRecord(file, node, Bit(address, i), RecordSize);
        }

        return Finish(node);
    }

    /// <summary>The lookups of one address in two trees, walked in one loop: the two chains of dependent reads are
    /// independent, so the processor waits for the memory of both at the same time instead of one after the
    /// other. Each result is what <see cref="Lookup"/> gives.</summary>
    public static void LookupBoth(MaxMindSearchTree a, ReadOnlySpan<byte> fileA, MaxMindSearchTree b, ReadOnlySpan<byte> fileB,
        ReadOnlySpan<byte> address, out int offsetA, out int offsetB)
    {
        if (!a.TryStart(address, out var nodeA, out var iA) || !b.TryStart(address, out var nodeB, out var iB))
        {
            offsetA = a.Lookup(fileA, address);
            offsetB = b.Lookup(fileB, address);
            return;
        }

        var bits = address.Length * 8;
        while (true)
        {
            var moreA = iA < bits && nodeA < a.NodeCount;
            var moreB = iB < bits && nodeB < b.NodeCount;
            if (moreA)
            {
                nodeA = ReadRecord(fileA, nodeA, Bit(address, iA), a.RecordSize);
                iA++;
            }

            if (moreB)
            {
                nodeB = ReadRecord(fileB, nodeB, Bit(address, iB), b.RecordSize);
                iB++;
            }

            if (!moreA && !moreB)
            {
                break;
            }
        }

        offsetA = a.Finish(nodeA);
        offsetB = b.Finish(nodeB);
    }

    /// <summary>Asks the processor to bring the IPv4 table's entry of <paramref name="address"/> into its cache, where
    /// <see cref="Lookup"/> reads it first. A hint only: it reads nothing and does nothing where the processor has no
    /// such instruction or the database no table.</summary>
    public unsafe void PrefetchV4(uint address)
    {
        if (Sse.IsSupported && _ipv4Table is { } table)
        {
            fixed (uint* entry = &table[TableIndex(address)])
            {
                Sse.Prefetch0(entry);
            }
        }
    }

    /// <summary>The offset of a successful <see cref="Lookup"/> or <see cref="NotFound"/>; throws for a failure code.</summary>
    /// <exception cref="InvalidDataException">The code is <see cref="CorruptPath"/> or <see cref="WrongFamily"/>.</exception>
    public static int ThrowIfFailed(int offset) => offset switch
    {
        CorruptPath => throw new InvalidDataException("the search tree is corrupt on the path of a lookup"),
        WrongFamily => throw new InvalidDataException("an IPv6 address cannot be looked up in an IPv4-only database"),
        _ => offset,
    };

    private static int Bit(ReadOnlySpan<byte> address, int i) => (address[i >> 3] >> (7 - (i & 7))) & 1;

    private bool TryStart(ReadOnlySpan<byte> address, out long node, out int i)
    {
        var bits = address.Length * 8;
        node = bits == 32 ? _ipv4Start : 0;
        i = 0;
        if (bits == 128 && IpVersion == 4)
        {
            return false;
        }

        if (bits == 32 && _ipv4Table is { } table)
        {
            node = table[TableIndex(BinaryPrimitives.ReadUInt32BigEndian(address))];
            i = TableBits;
        }

        return true;
    }

    /// <summary>The IPv4 table's entry of <paramref name="address"/>: its first <see cref="TableBits"/> bits.</summary>
    private int TableIndex(uint address) => (int)(address >> (32 - TableBits));

    private int Finish(long node)
    {
        if (node == NodeCount)
        {
            return NotFound;
        }

        // A walk that ran out of address bits on a node (a loop, or a path deeper than the address) is corrupt,
        // as is a pointer outside the data section.
        var offset = node - NodeCount - DataSectionSeparator;
        return node < NodeCount || offset < 0 || offset >= DataSize ? CorruptPath : (int)offset;
    }

    /// <summary>Sets the entries of <paramref name="table"/> for the prefixes of <see cref="TableBits"/> bits under
    /// <paramref name="node"/> (reached by <paramref name="prefix"/> of <paramref name="depth"/> bits): the node
    /// after them, or the record (data or empty) that ends the walk earlier, for every prefix it covers.</summary>
    private void Fill(ReadOnlySpan<byte> file, uint[] table, long node, int prefix, int depth)
    {
        if (node >= NodeCount || depth == TableBits)
        {
            var first = prefix << (TableBits - depth);
            table.AsSpan(first, 1 << (TableBits - depth)).Fill((uint)node);
            return;
        }

        Fill(file, table, ReadRecord(file, node, 0, RecordSize), prefix << 1, depth + 1);
        Fill(file, table, ReadRecord(file, node, 1, RecordSize), prefix << 1 | 1, depth + 1);
    }

    /// <summary>Record <paramref name="side"/> (0 left, 1 right) of <paramref name="node"/>.</summary>
    public static long ReadRecord(ReadOnlySpan<byte> tree, long node, int side, int recordSize)
    {
        var at = (int)(node * recordSize / 4);
        switch (recordSize)
        {
            case 24:
                at += side * 3;
                return tree[at] << 16 | tree[at + 1] << 8 | tree[at + 2];
            case 28:
                var middle = tree[at + 3];
                return side == 0
                    ? (long)(middle >> 4) << 24 | (long)tree[at] << 16 | (long)tree[at + 1] << 8 | tree[at + 2]
                    : (long)(middle & 0x0F) << 24 | (long)tree[at + 4] << 16 | (long)tree[at + 5] << 8 | tree[at + 6];
            default:
                return BinaryPrimitives.ReadUInt32BigEndian(tree[(at + side * 4)..]);
        }
    }
}
