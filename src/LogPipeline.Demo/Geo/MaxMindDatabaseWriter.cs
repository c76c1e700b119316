using System.Buffers.Binary;
using System.Collections;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;

namespace LogPipeline.Demo.Geo;

/// <summary>Writes a MaxMind DB (<c>.mmdb</c>, format 2.0) to a stream: a binary search tree over IPv6
/// (IPv4 networks live under <c>::/96</c>, where readers look them up), a data section and the metadata.
/// No NuGet package writes this format; tests, the <c>demo</c> command and the benchmarks' real-size databases
/// (millions of networks) are built with it. Not thread-safe; everything is held in memory (the tree in flat
/// arrays, 16 bytes a node).</summary>
/// <remarks>Data values may be <see cref="string"/>, <see cref="double"/>, <see cref="float"/>,
/// <see cref="bool"/>, <see cref="ushort"/> (uint16), <see cref="uint"/> (uint32), <see cref="int"/>
/// (int32), <see cref="ulong"/>/<see cref="long"/> (uint64), <see cref="byte"/> arrays (bytes),
/// string-keyed dictionaries (maps) and other enumerables (arrays). Identical records are stored once, and so
/// are identical maps, arrays and strings inside records (as MaxMind's own databases do: the country, its eight
/// locales' names and the time zone are written once and pointed to). A network inserted over part of an
/// earlier one splits it; a network inserted over a whole earlier one (or a more specific one) replaces it.
/// A record added once with <see cref="AddRecord"/> can be given to many networks with
/// <see cref="InsertRecord"/> without being encoded again.</remarks>
internal sealed class MaxMindDatabaseWriter
{
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    // Node n's two sides are at 2n and 2n + 1: a child node, or -1; a record (its data-section offset), or -1.
    private readonly List<int> _children = [-1, -1];
    private readonly List<int> _leaves = [-1, -1];
    private readonly DataSection _data = new();

    /// <param name="databaseType">The metadata <c>database_type</c>; GeoIP2 readers require it to contain
    /// <c>City</c> for city lookups and <c>ASN</c> for ASN lookups (e.g. <c>GeoIP2-City</c>).</param>
    public MaxMindDatabaseWriter(string databaseType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseType);
        DatabaseType = databaseType;
    }

    public string DatabaseType { get; }

    /// <summary>Metadata <c>description</c> by language.</summary>
    public IDictionary<string, string> Description { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Metadata <c>languages</c>. Default <c>en</c>.</summary>
    public IList<string> Languages { get; } = ["en"];

    /// <summary>Metadata <c>build_epoch</c>. Default: the Unix epoch (so output is reproducible).</summary>
    public DateTimeOffset BuildTime { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>Bits per search-tree record (24, 28 or 32), or null for the smallest that fits.</summary>
    public int? RecordSize { get; set; }

    /// <summary>Inserts a network in CIDR form (<c>81.2.69.0/24</c>, <c>2001:db8::/32</c>).</summary>
    public void Insert(string cidr, object data)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(slash < 0 ? cidr : cidr[..slash]);
        var prefix = slash < 0
            ? (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : int.Parse(cidr.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture);
        Insert(address, prefix, data);
    }

    public void Insert(IPAddress network, int prefixLength, object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        InsertRecord(network, prefixLength, AddRecord(data));
    }

    /// <summary>Stores <paramref name="data"/> (once, however often it is added) and returns the handle
    /// <see cref="InsertRecord"/> takes.</summary>
    public int AddRecord(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _data.Add(data);
    }

    /// <summary>Inserts a network whose data is a record from <see cref="AddRecord"/>.</summary>
    public void InsertRecord(IPAddress network, int prefixLength, int record)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(record);
        Span<byte> bits = stackalloc byte[16];
        int totalBits;
        if (network.AddressFamily == AddressFamily.InterNetwork)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)prefixLength, 32u, nameof(prefixLength));
            bits.Clear();
            network.TryWriteBytes(bits[12..], out _);
            totalBits = 96 + prefixLength;
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)prefixLength, 128u, nameof(prefixLength));
            network.TryWriteBytes(bits, out _);
            totalBits = prefixLength;
        }

        if (totalBits == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), "The whole address space (/0) cannot be a network.");
        }

        var node = 0;
        for (var depth = 0; depth < totalBits - 1; depth++)
        {
            var side = 2 * node + Bit(bits, depth);
            var next = _children[side];
            if (next < 0)
            {
                next = _children.Count / 2;
                _children.Add(-1);
                _children.Add(-1);

                // Split a less specific network: both halves keep its data.
                var wider = _leaves[side];
                _leaves.Add(wider);
                _leaves.Add(wider);
                _leaves[side] = -1;
                _children[side] = next;
            }

            node = next;
        }

        var last = 2 * node + Bit(bits, totalBits - 1);
        _children[last] = -1;
        _leaves[last] = record;
    }

    /// <summary>Writes the database. Can be called more than once.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // Number the reachable nodes breadth first; children always get higher numbers than their parent.
        var numbers = new int[_children.Count / 2];
        var order = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(0);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            numbers[node] = order.Count;
            order.Add(node);
            for (var side = 2 * node; side <= 2 * node + 1; side++)
            {
                if (_children[side] >= 0)
                {
                    queue.Enqueue(_children[side]);
                }
            }
        }

        var nodeCount = (long)order.Count;
        var maxValue = nodeCount + 16 + Math.Max(0, _data.Length - 1);
        var recordSize = RecordSize ?? (maxValue < 1L << 24 ? 24 : maxValue < 1L << 28 ? 28 : 32);
        if (recordSize is not (24 or 28 or 32) || (recordSize < 32 && maxValue >= 1L << recordSize) || maxValue > uint.MaxValue)
        {
            throw new InvalidOperationException($"Record size {recordSize} cannot address {maxValue} values.");
        }

        var nodeBytes = recordSize / 4;
        var tree = new byte[order.Count * nodeBytes];
        for (var i = 0; i < order.Count; i++)
        {
            var node = order[i];
            WriteNode(tree.AsSpan(i * nodeBytes, nodeBytes), recordSize,
                RecordValue(2 * node, nodeCount, numbers), RecordValue(2 * node + 1, nodeCount, numbers));
        }

        stream.Write(tree);
        stream.Write(new byte[16]);
        _data.WriteTo(stream);
        stream.Write(MetadataMarker);
        var metadata = new DataEncoder();
        metadata.Write(new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = (ulong)BuildTime.ToUnixTimeSeconds(),
            ["database_type"] = DatabaseType,
            ["description"] = Description.ToDictionary(kv => kv.Key, kv => (object)kv.Value, StringComparer.Ordinal),
            ["ip_version"] = (ushort)6,
            ["languages"] = Languages.Cast<object>().ToList(),
            ["node_count"] = (uint)nodeCount,
            ["record_size"] = (ushort)recordSize,
        });
        stream.Write(metadata.ToArray());
    }

    /// <summary>The database as bytes.</summary>
    public byte[] ToArray()
    {
        var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    private static int Bit(ReadOnlySpan<byte> address, int index) => (address[index >> 3] >> (7 - (index & 7))) & 1;

    private long RecordValue(int side, long nodeCount, int[] numbers) =>
        _children[side] is >= 0 and var child ? numbers[child]
        : _leaves[side] >= 0 ? nodeCount + 16 + _leaves[side]
        : nodeCount;

    private static void WriteNode(Span<byte> target, int recordSize, long left, long right)
    {
        switch (recordSize)
        {
            case 24:
                WriteUInt24(target, left);
                WriteUInt24(target[3..], right);
                break;
            case 28:
                WriteUInt24(target, left & 0xFFFFFF);
                target[3] = (byte)(((left >> 24) & 0x0F) << 4 | ((right >> 24) & 0x0F));
                WriteUInt24(target[4..], right & 0xFFFFFF);
                break;
            default:
                BinaryPrimitives.WriteUInt32BigEndian(target, (uint)left);
                BinaryPrimitives.WriteUInt32BigEndian(target[4..], (uint)right);
                break;
        }
    }

    private static void WriteUInt24(Span<byte> target, long value)
    {
        target[0] = (byte)(value >> 16);
        target[1] = (byte)(value >> 8);
        target[2] = (byte)value;
    }

    /// <summary>The data section: every value stored once. A record's maps, arrays and strings (of three bytes
    /// or more) are stored on their own and pointed to, so records that share them share the bytes.</summary>
    private sealed class DataSection
    {
        private readonly MemoryStream _bytes = new();
        private readonly Dictionary<byte[], int> _offsets = new(ByteContentComparer.Instance);

        public long Length => _bytes.Length;

        /// <summary>Stores <paramref name="value"/> unless an identical one is stored; returns its offset.</summary>
        public int Add(object value)
        {
            var encoder = new DataEncoder(Add);
            encoder.Write(value);
            var bytes = encoder.ToArray();
            if (!_offsets.TryGetValue(bytes, out var offset))
            {
                offset = checked((int)_bytes.Length);
                _bytes.Write(bytes);
                _offsets.Add(bytes, offset);
            }

            return offset;
        }

        public void WriteTo(Stream stream)
        {
            _bytes.Position = 0;
            _bytes.CopyTo(stream);
        }
    }

    private sealed class ByteContentComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteContentComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }

    /// <summary>Encodes values in the MaxMind DB data-section format. With a place to store children
    /// (<see cref="DataSection.Add"/>), the maps, arrays and longer strings inside a value are written as
    /// pointers to their stored copy; without one (the metadata), everything is inline.</summary>
    private sealed class DataEncoder(Func<object, int>? storeChild = null)
    {
        private const int Pointer = 1;
        private const int Utf8String = 2;
        private const int Double = 3;
        private const int Bytes = 4;
        private const int UInt16 = 5;
        private const int UInt32 = 6;
        private const int Map = 7;
        private const int Int32 = 8;
        private const int UInt64 = 9;
        private const int Array = 11;
        private const int Boolean = 14;
        private const int Float = 15;

        private readonly MemoryStream _out = new();

        public byte[] ToArray() => _out.ToArray();

        public void Write(object value)
        {
            switch (value)
            {
                case string s:
                    var utf8 = Encoding.UTF8.GetBytes(s);
                    WriteControl(Utf8String, utf8.Length);
                    _out.Write(utf8);
                    break;
                case double d:
                    WriteControl(Double, 8);
                    Span<byte> d8 = stackalloc byte[8];
                    BinaryPrimitives.WriteDoubleBigEndian(d8, d);
                    _out.Write(d8);
                    break;
                case float f:
                    WriteControl(Float, 4);
                    Span<byte> f4 = stackalloc byte[4];
                    BinaryPrimitives.WriteSingleBigEndian(f4, f);
                    _out.Write(f4);
                    break;
                case bool b:
                    WriteControl(Boolean, b ? 1 : 0);
                    break;
                case ushort u16:
                    WriteUnsigned(UInt16, u16);
                    break;
                case uint u32:
                    WriteUnsigned(UInt32, u32);
                    break;
                case int i32:
                    WriteInt32(i32);
                    break;
                case ulong u64:
                    WriteUnsigned(UInt64, u64);
                    break;
                case long l when l >= 0:
                    WriteUnsigned(UInt64, (ulong)l);
                    break;
                case byte[] bytes:
                    WriteControl(Bytes, bytes.Length);
                    _out.Write(bytes);
                    break;
                case IDictionary map:
                    WriteControl(Map, map.Count);
                    foreach (DictionaryEntry entry in map)
                    {
                        WriteChild(entry.Key as string ?? throw new ArgumentException("Map keys must be strings."));
                        WriteChild(entry.Value ?? throw new ArgumentException("Map values cannot be null."));
                    }

                    break;
                case IEnumerable items:
                    var list = items.Cast<object>().ToList();
                    WriteControl(Array, list.Count);
                    foreach (var item in list)
                    {
                        WriteChild(item ?? throw new ArgumentException("Array items cannot be null."));
                    }

                    break;
                default:
                    throw new ArgumentException($"Cannot encode a {value.GetType().Name} in a MaxMind DB.");
            }
        }

        private void WriteChild(object value)
        {
            var shared = value switch
            {
                string s => Encoding.UTF8.GetByteCount(s) >= 3,
                byte[] => false,
                IEnumerable => true,
                _ => false,
            };
            if (storeChild is null || !shared)
            {
                Write(value);
                return;
            }

            // Pointer forms: 11, 19, 27 or 32 bits of offset, the shorter ones biased (MaxMind DB spec).
            var offset = storeChild(value);
            switch (offset)
            {
                case < 2048:
                    _out.WriteByte((byte)(Pointer << 5 | offset >> 8));
                    _out.WriteByte((byte)offset);
                    break;
                case < 526_336:
                    var v19 = offset - 2048;
                    _out.WriteByte((byte)(Pointer << 5 | 1 << 3 | v19 >> 16));
                    _out.WriteByte((byte)(v19 >> 8));
                    _out.WriteByte((byte)v19);
                    break;
                case < 134_744_064:
                    var v27 = offset - 526_336;
                    _out.WriteByte((byte)(Pointer << 5 | 2 << 3 | v27 >> 24));
                    _out.WriteByte((byte)(v27 >> 16));
                    _out.WriteByte((byte)(v27 >> 8));
                    _out.WriteByte((byte)v27);
                    break;
                default:
                    _out.WriteByte(Pointer << 5 | 3 << 3);
                    Span<byte> v32 = stackalloc byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(v32, offset);
                    _out.Write(v32);
                    break;
            }
        }

        private void WriteUnsigned(int type, ulong value)
        {
            Span<byte> buffer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
            var size = 8 - (BitOperations.LeadingZeroCount(value) / 8);
            WriteControl(type, size);
            _out.Write(buffer[(8 - size)..]);
        }

        private void WriteInt32(int value)
        {
            Span<byte> buffer = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(buffer, value);

            // Readers sign-extend only a full 4-byte int32, so negative values always take 4 bytes.
            var size = value < 0 ? 4 : 4 - (BitOperations.LeadingZeroCount((uint)value) / 8);
            WriteControl(Int32, size);
            _out.Write(buffer[(4 - size)..]);
        }

        private void WriteControl(int type, int size)
        {
            var first = type <= 7 ? type << 5 : 0;
            Span<byte> extra = stackalloc byte[4];
            var extraLength = 0;
            if (size < 29)
            {
                first |= size;
            }
            else if (size < 29 + 256)
            {
                first |= 29;
                extra[extraLength++] = (byte)(size - 29);
            }
            else if (size < 285 + 65536)
            {
                first |= 30;
                var rest = size - 285;
                extra[extraLength++] = (byte)(rest >> 8);
                extra[extraLength++] = (byte)rest;
            }
            else
            {
                first |= 31;
                var rest = size - 65821;
                extra[extraLength++] = (byte)(rest >> 16);
                extra[extraLength++] = (byte)(rest >> 8);
                extra[extraLength++] = (byte)rest;
            }

            _out.WriteByte((byte)first);
            if (type > 7)
            {
                _out.WriteByte((byte)(type - 7));
            }

            _out.Write(extra[..extraLength]);
        }
    }
}
