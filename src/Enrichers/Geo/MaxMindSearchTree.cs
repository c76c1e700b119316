using System.Buffers.Binary;

namespace Enrichers.Geo;

/// <summary>The search tree of a MaxMind DB: where its parts lie in the file, and the walk from an address to
/// its data record. The walk gives the record's offset, which is the record's identity: networks that share
/// a record (most of a City database's millions do) share one decoded result in <see cref="GeoDatabase"/>.
/// MaxMind's reader has no public call that returns it.</summary>
internal sealed class MaxMindSearchTree
{
    private const int DataSectionSeparator = 16;

    // IPv4 addresses live under ::/96 of an IPv6 tree; the node there is found once, as MaxMind's reader does.
    private readonly long _ipv4Start;

    // Where the walk of each IPv4 /16 stands after its first 16 bits: one read of a 256 KiB table instead of
    // 16 dependent reads scattered over a tree of tens of megabytes, most of them cache misses on a busy node.
    private readonly uint[]? _ipv4By16;

    /// <param name="file">The whole file, to find the IPv4 start node.</param>
    public MaxMindSearchTree(ReadOnlySpan<byte> file, long nodeCount, int recordSize, int ipVersion, int dataEnd)
    {
        NodeCount = nodeCount;
        RecordSize = recordSize;
        IpVersion = ipVersion;
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
            _ipv4By16 = new uint[1 << 16];
            Fill(file, _ipv4By16, _ipv4Start, 0, 0);
        }
    }

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
    public int Find(ReadOnlySpan<byte> file, ReadOnlySpan<byte> address)
    {
        var bits = address.Length * 8;
        if (bits == 128 && IpVersion == 4)
        {
            throw new InvalidDataException("an IPv6 address cannot be looked up in an IPv4-only database");
        }

        var node = bits == 32 ? _ipv4Start : 0;
        var i = 0;
        if (bits == 32 && _ipv4By16 is { } table)
        {
            node = table[address[0] << 8 | address[1]];
            i = 16;
        }

        for (; i < bits && node < NodeCount; i++)
        {
            node = ReadRecord(file, node, (address[i >> 3] >> (7 - (i & 7))) & 1, RecordSize);
        }

        if (node == NodeCount)
        {
            return -1;
        }

        var offset = node - NodeCount - DataSectionSeparator;
        if (node < NodeCount || offset < 0 || offset >= DataSize)
        {
            throw new InvalidDataException($"the search tree is corrupt on the path of a lookup (record {node})");
        }

        return (int)offset;
    }

    /// <summary>Sets the entries of <paramref name="table"/> for the /16 prefixes under <paramref name="node"/>
    /// (reached by <paramref name="prefix"/> of <paramref name="depth"/> bits): the node after 16 bits, or the
    /// record (data or empty) that ends the walk earlier, for every /16 it covers.</summary>
    private void Fill(ReadOnlySpan<byte> file, uint[] table, long node, int prefix, int depth)
    {
        if (node >= NodeCount || depth == 16)
        {
            var first = prefix << (16 - depth);
            table.AsSpan(first, 1 << (16 - depth)).Fill((uint)node);
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
