namespace LogPipeline.Testing.Elasticsearch;

/// <summary>The documents of a test index by <c>_id</c>, without an object per document: the ids' characters are
/// copied into shared blocks and the entries are structs in one array. Throughput benchmarks index millions of
/// documents; held as a string and a dictionary node each, every collection of this process copied the new ones
/// (65-150 ms per gen0 collection, ~1 s of a 12 s run) while the server answered nothing and the worker waited.
/// Thread-safe (one lock per index: each operation is a hash lookup).</summary>
internal sealed class DocumentTable
{
    private readonly Lock _lock = new();
    private readonly IdBlocks _ids = new();
    private readonly Dictionary<DocumentKey, StoredDocument> _documents;
    private readonly Dictionary<DocumentKey, StoredDocument>.AlternateLookup<ReadOnlySpan<char>> _byId;

    public DocumentTable(int capacity = 0)
    {
        _documents = new Dictionary<DocumentKey, StoredDocument>(capacity, new KeyComparer(_ids));
        _byId = _documents.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _documents.Count;
            }
        }
    }

    /// <summary>A snapshot of the ids.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_lock)
            {
                return [.. _documents.Keys.Select(_ids.ToString)];
            }
        }
    }

    public bool TryGetValue(string id, out StoredDocument document)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out document);
        }
    }

    /// <summary>Adds the document unless the id exists (a <c>create</c>); otherwise returns the stored one.</summary>
    public bool TryAdd(string id, StoredDocument document, out StoredDocument existing)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out existing))
            {
                return false;
            }

            return _byId.TryAdd(id, document);
        }
    }

    /// <summary>Adds or replaces the document (an <c>index</c>); <paramref name="make"/> gets the stored one, if any.</summary>
    public StoredDocument AddOrUpdate(string id, Func<StoredDocument?, StoredDocument> make)
    {
        lock (_lock)
        {
            var document = make(_byId.TryGetValue(id, out var old) ? old : null);
            _byId[id] = document;
            return document;
        }
    }

    public bool TryRemove(string id, out StoredDocument removed)
    {
        lock (_lock)
        {
            // The id's characters stay in their block: removal is rare and a test server's life short.
            return _byId.Remove(id, out _, out removed);
        }
    }

    /// <summary>Where an id's characters are: block, offset, length, and its hash (computed once).</summary>
    private readonly record struct DocumentKey(int Block, int Offset, int Length, int Hash);

    /// <summary>Ids' characters, appended to 1 Mi-character blocks (a longer id gets a block of its own).</summary>
    private sealed class IdBlocks
    {
        private const int BlockSize = 1 << 20;
        private readonly List<char[]> _blocks = [];
        private int _used = BlockSize;

        public DocumentKey Add(ReadOnlySpan<char> id, int hash)
        {
            if (BlockSize - _used < id.Length)
            {
                _blocks.Add(new char[Math.Max(BlockSize, id.Length)]);
                _used = 0;
            }

            id.CopyTo(_blocks[^1].AsSpan(_used));
            var key = new DocumentKey(_blocks.Count - 1, _used, id.Length, hash);
            _used += id.Length;
            return key;
        }

        public ReadOnlySpan<char> Get(DocumentKey key) => _blocks[key.Block].AsSpan(key.Offset, key.Length);

        public string ToString(DocumentKey key) => new(Get(key));
    }

    private sealed class KeyComparer(IdBlocks ids) : IEqualityComparer<DocumentKey>, IAlternateEqualityComparer<ReadOnlySpan<char>, DocumentKey>
    {
        public bool Equals(DocumentKey x, DocumentKey y) => x.Hash == y.Hash && ids.Get(x).SequenceEqual(ids.Get(y));

        public int GetHashCode(DocumentKey key) => key.Hash;

        public bool Equals(ReadOnlySpan<char> alternate, DocumentKey other) => ids.Get(other).SequenceEqual(alternate);

        public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate, StringComparison.Ordinal);

        public DocumentKey Create(ReadOnlySpan<char> alternate) => ids.Add(alternate, GetHashCode(alternate));
    }
}
