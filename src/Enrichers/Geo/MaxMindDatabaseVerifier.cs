using System.Text;
using System.Text.Unicode;

namespace Enrichers.Geo;

/// <summary>Checks a MaxMind DB before it is used, like libmaxminddb's <c>mmdbverify</c>. MaxMind's reader opens
/// corrupt files without complaint and fails only on the lookups that hit the damage, which would turn a bad
/// database into silent misses at run time; checking up front refuses it at start or at reload instead.
/// A small file (up to <see cref="WholeFileMaxBytes"/>) is checked whole: metadata, every search-tree path and
/// every data record. A real-size one (GeoLite2-City: 3.7 million nodes, half a million records) is checked
/// without decoding everything, so that opening and reloading cost little CPU: the metadata, the bounds of every
/// tree record (one pass over the tree), a sample of data records spread over the tree, and every other record
/// before its first decode (<see cref="VerifyRecord"/>); a path through the tree that loops or runs deeper than
/// the address is found by the lookup that walks it.</summary>
internal static class MaxMindDatabaseVerifier
{
    /// <summary>Files up to this size are checked whole when opened.</summary>
    public const int WholeFileMaxBytes = 4 * 1024 * 1024;

    /// <summary>Data records checked when a larger file is opened, spread evenly over the tree.</summary>
    public const int SampleRecords = 4096;

    private const int MaxNesting = 32;
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    [ThreadStatic]
    private static HashSet<int>? t_checkedPointers;

    /// <summary>Verifies the whole of <paramref name="file"/>; throws <see cref="InvalidDataException"/> saying
    /// what is wrong.</summary>
    public static void Verify(ReadOnlySpan<byte> file) => Open(file, wholeFile: true);

    /// <summary>Verifies what a file must be to be opened (whole when it is small, see the class remarks) and
    /// returns its search tree; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    /// <param name="wholeFile">Check everything whatever the size (default: only small files).</param>
    public static MaxMindSearchTree Open(ReadOnlySpan<byte> file, bool? wholeFile = null) => Open(file, out _, wholeFile);

    /// <summary>As <see cref="Open(ReadOnlySpan{byte}, bool?)"/>, giving what it verified of the data section (every
    /// record when the whole file was checked, else the sample and what the records point to): decoding then does not
    /// verify those records again when it first meets them (<see cref="VerifyRecord(ReadOnlySpan{byte}, int, VerifiedOffsets?)"/>).</summary>
    public static MaxMindSearchTree Open(ReadOnlySpan<byte> file, out VerifiedOffsets verified, bool? wholeFile = null)
    {
        // The marker may occur inside data, so the metadata starts after its last occurrence.
        var searchFrom = Math.Max(0, file.Length - 128 * 1024);
        var marker = file[searchFrom..].LastIndexOf(MetadataMarker);
        if (marker < 0)
        {
            throw new InvalidDataException("no MaxMind DB metadata section (not a .mmdb file, or truncated)");
        }

        var markerAt = searchFrom + marker;
        var metadataSection = file[(markerAt + MetadataMarker.Length)..];
        if (Read(metadataSection, 0, 0, out _) is not Dictionary<string, object?> metadata)
        {
            throw new InvalidDataException("the metadata is not a map");
        }

        var major = GetUnsigned(metadata, "binary_format_major_version");
        if (major != 2)
        {
            throw new InvalidDataException($"binary format version {major} is not supported (2 is)");
        }

        var nodeCount = GetUnsigned(metadata, "node_count");
        var recordSize = GetUnsigned(metadata, "record_size");
        var ipVersion = GetUnsigned(metadata, "ip_version");
        if (recordSize is not (24 or 28 or 32))
        {
            throw new InvalidDataException($"record_size {recordSize} is not 24, 28 or 32");
        }

        if (ipVersion is not (4 or 6))
        {
            throw new InvalidDataException($"ip_version {ipVersion} is not 4 or 6");
        }

        if (metadata.GetValueOrDefault("database_type") is not string { Length: > 0 })
        {
            throw new InvalidDataException("the metadata has no database_type");
        }

        var treeSize = nodeCount * recordSize / 4;
        if (nodeCount == 0 || treeSize + 16 > (ulong)markerAt)
        {
            throw new InvalidDataException($"node_count {nodeCount} does not fit the file ({file.Length} bytes)");
        }

        var tree = new MaxMindSearchTree(file, (long)nodeCount, (int)recordSize, (int)ipVersion, markerAt);
        var data = file[tree.DataStart..markerAt];
        var records = wholeFile ?? file.Length <= WholeFileMaxBytes
            ? (IEnumerable<int>)WalkTree(file[..tree.TreeSize], tree, ipVersion == 6 ? 128 : 32)
            : CheckTreeBounds(file[..tree.TreeSize], tree);
        var checkedPointers = new HashSet<int>();
        verified = new VerifiedOffsets(tree.DataSize);
        foreach (var offset in records)
        {
            Skip(data, offset, 0, checkedPointers, verified);
            verified.Add(offset);
        }

        return tree;
    }

    /// <summary>Verifies the data record at <paramref name="offset"/> of the data section
    /// <paramref name="data"/> (types, sizes, UTF-8, pointers), as <see cref="Open"/> does for the records it
    /// checks; throws <see cref="InvalidDataException"/>. Called before a record is first decoded.</summary>
    public static void VerifyRecord(ReadOnlySpan<byte> data, int offset) => VerifyRecord(data, offset, null);

    /// <summary>As <see cref="VerifyRecord(ReadOnlySpan{byte}, int)"/>, skipping data that <paramref name="verified"/>
    /// holds and adding to it what this call verified (the record, and the targets of its pointers).</summary>
    public static void VerifyRecord(ReadOnlySpan<byte> data, int offset, VerifiedOffsets? verified)
    {
        if (verified?.Contains(offset) == true)
        {
            return;
        }

        var checkedPointers = t_checkedPointers ??= [];
        checkedPointers.Clear();
        Skip(data, offset, 0, checkedPointers, verified);
        verified?.Add(offset);
    }

    private static HashSet<int> WalkTree(ReadOnlySpan<byte> treeBytes, MaxMindSearchTree tree, int bits)
    {
        var records = new HashSet<int>();
        var nodeCount = tree.NodeCount;

        // Trees share subtrees (IPv4 is reachable from several IPv6 prefixes), so each node is walked once;
        // this also stops loops in a corrupt tree.
        var visited = new bool[nodeCount];
        var stack = new Stack<(long Node, int Depth)>();
        stack.Push((0, 0));
        visited[0] = true;
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            for (var side = 0; side < 2; side++)
            {
                var value = MaxMindSearchTree.ReadRecord(treeBytes, node, side, tree.RecordSize);
                if (value < nodeCount)
                {
                    if (depth + 1 >= bits)
                    {
                        throw new InvalidDataException($"the search tree is deeper than {bits} bits at node {node}");
                    }

                    if (!visited[value])
                    {
                        visited[value] = true;
                        stack.Push((value, depth + 1));
                    }
                }
                else if (value > nodeCount)
                {
                    records.Add(DataOffset(tree, node, value));
                }
            }
        }

        return records;
    }

    /// <summary>One pass over every node: each record is a node, the empty marker, or a pointer into the data
    /// section. Returns the data records of nodes spread evenly over the tree: the sample to check.</summary>
    private static List<int> CheckTreeBounds(ReadOnlySpan<byte> treeBytes, MaxMindSearchTree tree)
    {
        var nodeCount = tree.NodeCount;
        var stride = Math.Max(1, nodeCount / SampleRecords);
        var sample = new List<int>(SampleRecords + 1);
        var nextSample = 0L;
        for (var node = 0L; node < nodeCount; node++)
        {
            for (var side = 0; side < 2; side++)
            {
                var value = MaxMindSearchTree.ReadRecord(treeBytes, node, side, tree.RecordSize);
                if (value <= nodeCount)
                {
                    continue;
                }

                var offset = DataOffset(tree, node, value);
                if (node >= nextSample)
                {
                    sample.Add(offset);
                    nextSample = node + stride;
                }
            }
        }

        return sample;
    }

    private static int DataOffset(MaxMindSearchTree tree, long node, long value)
    {
        var offset = value - tree.NodeCount - 16;
        if (offset < 0 || offset >= tree.DataSize)
        {
            throw new InvalidDataException($"search tree node {node} points outside the data section (record {value})");
        }

        return (int)offset;
    }

    /// <summary>Checks the value at <paramref name="offset"/> and returns the offset after it.</summary>
    private static int Skip(ReadOnlySpan<byte> section, int offset, int nesting, HashSet<int> checkedPointers,
        VerifiedOffsets? verified = null)
    {
        if (nesting > MaxNesting)
        {
            throw new InvalidDataException($"data nested deeper than {MaxNesting} at offset {offset}");
        }

        var (type, size, at) = ReadControl(section, offset);
        switch (type)
        {
            case 1:
                var target = size;
                if (target >= section.Length)
                {
                    throw new InvalidDataException($"data pointer at offset {offset} points outside the data section");
                }

                if (verified?.Contains((int)target) != true && checkedPointers.Add((int)target))
                {
                    if (ReadControl(section, (int)target).Type == 1)
                    {
                        throw new InvalidDataException($"data pointer at offset {offset} points to another pointer");
                    }

                    Skip(section, (int)target, nesting + 1, checkedPointers, verified);

                    // Only now is everything under the target known sound.
                    verified?.Add((int)target);
                }

                return at;
            case 2:
                var text = Payload(section, at, size, offset);
                if (!Utf8.IsValid(text))
                {
                    throw new InvalidDataException($"string at offset {offset} is not valid UTF-8");
                }

                return at + text.Length;
            case 3:
                RequireSize(size, 8, 8, "double", offset);
                return at + Payload(section, at, size, offset).Length;
            case 15:
                RequireSize(size, 4, 4, "float", offset);
                return at + Payload(section, at, size, offset).Length;
            case 4:
                return at + Payload(section, at, size, offset).Length;
            case 5:
                RequireSize(size, 0, 2, "uint16", offset);
                return at + Payload(section, at, size, offset).Length;
            case 6:
            case 8:
                RequireSize(size, 0, 4, type == 6 ? "uint32" : "int32", offset);
                return at + Payload(section, at, size, offset).Length;
            case 9:
                RequireSize(size, 0, 8, "uint64", offset);
                return at + Payload(section, at, size, offset).Length;
            case 10:
                RequireSize(size, 0, 16, "uint128", offset);
                return at + Payload(section, at, size, offset).Length;
            case 14:
                RequireSize(size, 0, 1, "boolean", offset);
                return at;
            case 7:
                for (var i = 0; i < size; i++)
                {
                    var key = ReadControl(section, at);
                    if (key.Type == 1)
                    {
                        if (key.Size >= section.Length || ReadControl(section, (int)key.Size).Type != 2)
                        {
                            throw new InvalidDataException($"map key at offset {at} is not a string");
                        }
                    }
                    else if (key.Type != 2)
                    {
                        throw new InvalidDataException($"map key at offset {at} is not a string");
                    }

                    // A key is nearly always a pointer to a string verified before (MaxMind's files store each key
                    // once): moving past it is then all that Skip would do.
                    at = key.Type == 1 && IsVerifiedTarget(key.Size, nesting + 1, section, verified)
                        ? key.Next
                        : Skip(section, at, nesting + 1, checkedPointers, verified);
                    at = SkipEntry(section, at, nesting + 1, checkedPointers, verified);
                }

                return at;
            case 11:
                for (var i = 0; i < size; i++)
                {
                    at = SkipEntry(section, at, nesting + 1, checkedPointers, verified);
                }

                return at;
            default:
                throw new InvalidDataException($"data at offset {offset} has unknown or invalid type {type}");
        }
    }

    /// <summary>As <see cref="Skip"/> for a map's value or an array's element at <paramref name="nesting"/>, without the
    /// call when it is a pointer to data verified before (a record's country, continent, names and time zone): the
    /// same checks, in the same order, so the same errors.</summary>
    private static int SkipEntry(ReadOnlySpan<byte> section, int offset, int nesting, HashSet<int> checkedPointers,
        VerifiedOffsets? verified)
    {
        // Only a pointer's control is read here (type 1 in its top three bits): any other value goes to Skip, which
        // reads its control itself.
        if (verified is not null && (uint)offset < (uint)section.Length && section[offset] >> 5 == 1)
        {
            var (type, target, next) = ReadControl(section, offset);
            if (type == 1 && IsVerifiedTarget(target, nesting, section, verified))
            {
                return next;
            }
        }

        return Skip(section, offset, nesting, checkedPointers, verified);
    }

    /// <summary>Whether <see cref="Skip"/> at <paramref name="nesting"/> of a pointer to <paramref name="target"/>
    /// would only move past the pointer: not nested too deeply, inside the section, and verified before.</summary>
    private static bool IsVerifiedTarget(long target, int nesting, ReadOnlySpan<byte> section, VerifiedOffsets? verified) =>
        nesting <= MaxNesting && target < section.Length && verified?.Contains((int)target) == true;

    /// <summary>Decodes a value (metadata only: small, so allocation does not matter).</summary>
    private static object? Read(ReadOnlySpan<byte> section, int offset, int nesting, out int next)
    {
        if (nesting > MaxNesting)
        {
            throw new InvalidDataException("metadata nested too deeply");
        }

        var (type, size, at) = ReadControl(section, offset);
        switch (type)
        {
            case 1:
                next = at;
                if (size >= section.Length)
                {
                    throw new InvalidDataException("metadata pointer outside the metadata");
                }

                return Read(section, (int)size, nesting + 1, out _);
            case 2:
                var text = Payload(section, at, size, offset);
                next = at + text.Length;
                return Utf8.IsValid(text) ? Encoding.UTF8.GetString(text)
                    : throw new InvalidDataException("metadata string is not valid UTF-8");
            case 5 or 6 or 9 or 10:
                var raw = Payload(section, at, size, offset);
                next = at + raw.Length;
                if (raw.Length > 8)
                {
                    return ulong.MaxValue;
                }

                ulong value = 0;
                foreach (var b in raw)
                {
                    value = value << 8 | b;
                }

                return value;
            case 7:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < size; i++)
                {
                    var key = Read(section, at, nesting + 1, out at) as string
                        ?? throw new InvalidDataException("metadata map key is not a string");
                    map[key] = Read(section, at, nesting + 1, out at);
                }

                next = at;
                return map;
            case 11:
                var list = new List<object?>();
                for (var i = 0; i < size; i++)
                {
                    list.Add(Read(section, at, nesting + 1, out at));
                }

                next = at;
                return list;
            default:
                // Types metadata does not need (double, bool, ...) are checked and skipped.
                next = Skip(section, offset, nesting, []);
                return null;
        }
    }

    internal static (int Type, long Size, int Next) ReadControl(ReadOnlySpan<byte> section, int offset)
    {
        // The common shapes first, decoded with one bounds check: pointers, and values whose size fits the control byte
        // (nearly every value and key of MaxMind's files). Verification and decoding read every control byte of a record
        // met for the first time; the rest (and every error) is left to the general path below.
        if ((uint)offset < (uint)section.Length)
        {
            int control = section[offset];
            var type = control >> 5;
            if (type == 1)
            {
                var pointerSize = (control >> 3) & 0x3;
                if ((long)offset + 2 + pointerSize <= section.Length)
                {
                    var b = section.Slice(offset + 1, pointerSize + 1);
                    long pointer = pointerSize switch
                    {
                        0 => (control & 0x7) << 8 | b[0],
                        1 => ((control & 0x7) << 16 | b[0] << 8 | b[1]) + 2048,
                        2 => ((control & 0x7) << 24 | b[0] << 16 | b[1] << 8 | b[2]) + 526336,
                        _ => (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]),
                    };
                    return (1, pointer, offset + 2 + pointerSize);
                }
            }
            else if ((control & 0x1F) < 29)
            {
                if (type != 0)
                {
                    return (type, control & 0x1F, offset + 1);
                }

                if (offset + 1 < section.Length && (uint)(section[offset + 1] - 1) < 8)
                {
                    return (7 + section[offset + 1], control & 0x1F, offset + 2);
                }
            }
        }

        return ReadControlInGeneral(section, offset);
    }

    /// <summary>What <see cref="ReadControl"/> gives for any value, errors included (internal for the tests that hold its
    /// first path to it).</summary>
    internal static (int Type, long Size, int Next) ReadControlInGeneral(ReadOnlySpan<byte> section, int offset)
    {
        if ((uint)offset >= (uint)section.Length)
        {
            throw new InvalidDataException($"data offset {offset} is outside the section");
        }

        var control = section[offset++];
        var type = control >> 5;
        if (type == 1)
        {
            var pointerSize = ((control >> 3) & 0x3) + 1;
            var bytes = Payload(section, offset, pointerSize, offset - 1);
            long pointer = pointerSize == 4 ? 0 : control & 0x7;
            foreach (var b in bytes)
            {
                pointer = pointer << 8 | b;
            }

            pointer += pointerSize switch { 2 => 2048, 3 => 526336, _ => 0 };
            return (1, pointer, offset + pointerSize);
        }

        if (type == 0)
        {
            if (offset >= section.Length)
            {
                throw new InvalidDataException($"data at offset {offset - 1} is cut off");
            }

            type = 7 + section[offset++];
            if (type is < 8 or > 15)
            {
                throw new InvalidDataException($"data at offset {offset - 2} has invalid extended type {type}");
            }
        }

        long size = control & 0x1F;
        if (size >= 29)
        {
            var extra = (int)size - 28;
            var bytes = Payload(section, offset, extra, offset);
            long value = 0;
            foreach (var b in bytes)
            {
                value = value << 8 | b;
            }

            size = extra switch { 1 => 29 + value, 2 => 285 + value, _ => 65821 + value };
            offset += extra;
        }

        return (type, size, offset);
    }

    private static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> section, int at, long size, int valueOffset)
    {
        if (at < 0 || size < 0 || at + size > section.Length)
        {
            throw new InvalidDataException($"data at offset {valueOffset} runs past the end of its section");
        }

        return section.Slice(at, (int)size);
    }

    private static void RequireSize(long size, int min, int max, string type, int offset)
    {
        if (size < min || size > max)
        {
            throw new InvalidDataException($"{type} at offset {offset} has invalid size {size}");
        }
    }

    private static ulong GetUnsigned(Dictionary<string, object?> metadata, string key) =>
        metadata.GetValueOrDefault(key) as ulong?
        ?? throw new InvalidDataException($"the metadata has no {key}");
}
