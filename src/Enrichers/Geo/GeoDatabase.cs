using System.Net;
using System.Numerics;
using Enrichers.Files;
using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>One opened and verified database file, shared by all threads. A lookup walks the memory-mapped
/// search tree to the address's data record; each record is verified and decoded (straight from the file by
/// <see cref="MaxMindRecordReader"/>, or by MaxMind's <see cref="Reader"/> for other types and unusual shapes, into
/// the small type asked for) the first time it is met, and the decoded value is kept
/// by record: a City database has millions of networks but far fewer records, so most lookups of new addresses
/// cost the tree walk alone. Reference counted, so a database replaced by a reload is closed only after the last
/// lookup that was using it has finished.</summary>
internal sealed class GeoDatabase
{
    private readonly MappedDatabaseFile _file;
    private readonly MaxMindSearchTree _tree;
    private readonly Reader _reader;
    // Set-associative, without a lock or a dictionary's bookkeeping: a hit is a hash, a read and a compare. In one pass
    // of distinct addresses, caches of other sizes and shapes serve about as many lookups (the misses are records met
    // for the first time); four ways keep more of the records in use once met than two did, in the same memory
    // (docs/geoip.md § Cache). Sized by GeoIpOptions.RecordCacheSize.
    private readonly RecordCache _records;
    private readonly VerifiedOffsets _verified;
    private readonly DecodedValues _shared = new();
    private int _references = 1;

    private GeoDatabase(string kind, string path, FileIdentity identity, MappedDatabaseFile file, MaxMindSearchTree tree,
        VerifiedOffsets verified, Reader reader, int recordCacheSize)
    {
        _records = new RecordCache(BitOperations.Log2((uint)recordCacheSize));
        Kind = kind;
        Path = path;
        Identity = identity;
        _file = file;
        _tree = tree;
        _reader = reader;
        _verified = verified;
        BuildTime = new DateTimeOffset(DateTime.SpecifyKind(reader.Metadata.BuildDate, DateTimeKind.Utc));
        DatabaseType = reader.Metadata.DatabaseType;
    }

    /// <summary><c>city</c> or <c>asn</c>.</summary>
    public string Kind { get; }

    public string Path { get; }

    public FileIdentity Identity { get; }

    public DateTimeOffset BuildTime { get; }

    public string DatabaseType { get; }

    /// <summary>Decoded records held now (for tests and diagnostics; not cheap).</summary>
    internal int CachedRecords => _records.Count;

    /// <summary>Decoded records this database can keep: <see cref="GeoIpOptions.RecordCacheSize"/> rounded down to a
    /// power of two.</summary>
    public int RecordCacheCapacity => _records.Capacity;

    /// <summary>Opens the database at <paramref name="path"/> after verifying it (see
    /// <see cref="MaxMindDatabaseVerifier"/>: whole when small; structure and a sample when large, the rest of
    /// the records when first used).</summary>
    /// <param name="requiredType">Text the metadata <c>database_type</c> must contain (<c>City</c>,
    /// <c>ASN</c>), so a swapped path is caught here.</param>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The file is not a usable database of that type.</exception>
    /// <param name="recordCacheSize">Decoded records to keep (<see cref="GeoIpOptions.RecordCacheSize"/>: 4 or more,
    /// rounded down to a power of two).</param>
    /// <exception cref="IOException">The file could not be read, or was replaced while it was read.</exception>
    public static GeoDatabase Open(string kind, string path, string requiredType, int recordCacheSize = GeoIpOptions.DefaultRecordCacheSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordCacheSize, 4);
        var identity = FileIdentity.Of(path);
        var file = MappedDatabaseFile.Open(path);
        Reader? reader = null;
        try
        {
            var tree = MaxMindDatabaseVerifier.Open(file.Bytes, out var verified);
            try
            {
                reader = new Reader(path, FileAccessMode.MemoryMapped);
            }
            catch (InvalidDatabaseException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }

            if (!reader.Metadata.DatabaseType.Contains(requiredType, StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"database_type is '{reader.Metadata.DatabaseType}', which does not contain '{requiredType}'");
            }

            if (FileIdentity.Of(path) != identity)
            {
                // Verified one file, mapped another: try again at the next check.
                throw new IOException("the file was replaced while it was being opened");
            }

            return new GeoDatabase(kind, path, identity, file, tree, verified, reader, recordCacheSize);
        }
        catch
        {
            reader?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>The record of <paramref name="address"/> decoded into <typeparamref name="T"/> (always the same
    /// type for one database), or null when no network holds the address. The caller holds a reference.</summary>
    /// <exception cref="InvalidDataException">The tree on the address's path or its record is corrupt.</exception>
    /// <exception cref="InvalidDatabaseException">MaxMind's reader refused the record.</exception>
    /// <exception cref="DeserializationException">The record does not have the shape of <typeparamref name="T"/>.</exception>
    public T? Find<T>(IPAddress address)
        where T : class
    {
        var value = ClientAddress.From(address);
        Span<byte> bytes = stackalloc byte[16];
        return Decode<T>(Lookup(bytes[..value.WriteBytes(bytes)]), value);
    }

    /// <summary>The data-section offset of the record of <paramref name="address"/> (4 or 16 bytes, network order)
    /// or a code (<see cref="MaxMindSearchTree.NotFound"/>, <see cref="MaxMindSearchTree.CorruptPath"/>,
    /// <see cref="MaxMindSearchTree.WrongFamily"/>) for <see cref="Decode{T}"/>.</summary>
    public int Lookup(ReadOnlySpan<byte> address) => _tree.Lookup(_file.Bytes, address);

    /// <summary>See <see cref="MaxMindSearchTree.PrefetchV4"/>.</summary>
    public void PrefetchV4(uint address) => _tree.PrefetchV4(address);

    /// <summary>As <see cref="Lookup"/> in two databases, with the two walks interleaved (see
    /// <see cref="MaxMindSearchTree.LookupBoth"/>).</summary>
    public static void LookupBoth(GeoDatabase a, GeoDatabase b, ReadOnlySpan<byte> address, out int offsetA, out int offsetB) =>
        MaxMindSearchTree.LookupBoth(a._tree, a._file.Bytes, b._tree, b._file.Bytes, address, out offsetA, out offsetB);

    /// <summary>The record at <paramref name="offset"/> (from <see cref="Lookup"/> of <paramref name="address"/>)
    /// decoded into <typeparamref name="T"/>, or null for <see cref="MaxMindSearchTree.NotFound"/>. Verified the
    /// first time it is met; kept by offset.</summary>
    /// <exception cref="InvalidDataException">The offset is a failure code, or the record is corrupt.</exception>
    /// <exception cref="InvalidDatabaseException">MaxMind's reader refused the record.</exception>
    /// <exception cref="DeserializationException">The record does not have the shape of <typeparamref name="T"/>.</exception>
    public T? Decode<T>(int offset, ClientAddress address)
        where T : class
    {
        if (offset < 0)
        {
            // Not found, or a failure code, which throws (tested here first: the throwing call is not inlined).
            MaxMindSearchTree.ThrowIfFailed(offset);
            return null;
        }

        if (_records.TryGet(offset, out var cached))
        {
            return (T)cached!;
        }

        var data = _file.Bytes.Slice(_tree.DataStart, _tree.DataSize);
        MaxMindDatabaseVerifier.VerifyRecord(data, offset, _verified);
        var record = ReadDirectly<T>(data, offset, _shared)
            ?? _reader.Find<T>(address.ToIPAddress())
            ?? throw new InvalidDataException($"MaxMind's reader found no record where the search tree points to one (offset {offset})");
        _records.Set(offset, record);
        return record;
    }

    /// <summary>The record decoded by <see cref="MaxMindRecordReader"/> when <typeparamref name="T"/> is one of the
    /// enricher's types and the record has a shape it reads; otherwise null (MaxMind's reader decodes it).</summary>
    private static T? ReadDirectly<T>(ReadOnlySpan<byte> data, int offset, DecodedValues shared)
        where T : class
    {
        if (typeof(T) == typeof(GeoCityRecord))
        {
            return MaxMindRecordReader.TryReadCity(data, offset, shared, out var city) ? city as T : null;
        }

        if (typeof(T) == typeof(GeoAsnRecord))
        {
            return MaxMindRecordReader.TryReadAsn(data, offset, shared, out var asn) ? asn as T : null;
        }

        return null;
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _reader.Dispose();
            _file.Dispose();
        }
    }
}
