namespace Enrichers.Json;

/// <summary>The nodes of the records enriched on one thread, reused from one record to the next. Parsing a
/// 500-byte line made about twenty objects (a property and a value node per field, plus lists), and collecting
/// them was a quarter of the chain's CPU time. Enrichment is synchronous and writes each record before the
/// thread parses the next, so all nodes handed out for one record are taken back at once by <see cref="Reset"/> (an arena):
/// no node is returned individually, none is handed out twice within a record.
/// <para>Ownership rule: a record parsed through a pool, and every node in it, is valid only until the
/// pool's next <see cref="Reset"/> (the next <see cref="EnrichmentSession.Enrich(ReadOnlyMemory{byte}, System.Buffers.IBufferWriter{byte}, DateTimeOffset?)"/>
/// call on the same thread, by any session). Enrichers must copy what they keep (strings, numbers), never node references.</para></summary>
internal sealed class LogNodePool
{
    // An unusually large record (up to 1 MiB) could leave hundreds of thousands of nodes in the pool for the
    // rest of the thread's life; beyond this many per kind, nodes are made as usual and left to the GC.
    internal const int MaxKeptPerKind = 4096;

    private readonly Slot<LogObject> _objects = new();
    private readonly Slot<LogArray> _arrays = new();
    private readonly Slot<LogProperty> _properties = new();
    private readonly Slot<LogString> _strings = new();
    private readonly Slot<LogLiteral> _numbers = new();
    private readonly Slot<(LogLiteral Literal, byte[] Text)> _ownNumbers = new();
    // Beyond this, byte blocks are not kept for the next record (a huge record must not pin its size).
    private const int MaxKeptBytes = 256 * 1024;

    private byte[] _bytes = new byte[4096];
    private int _bytesUsed;
    private LogRecord? _record;

    /// <summary>Takes back every node handed out since the last reset.</summary>
    public void Reset()
    {
        _bytesUsed = 0;
        _objects.Used = 0;
        _arrays.Used = 0;
        _properties.Used = 0;
        _strings.Used = 0;
        _numbers.Used = 0;
        _ownNumbers.Used = 0;
    }

    public LogRecord Record(LogObject root, int inputLength)
    {
        if (_record is null)
        {
            _record = new LogRecord(root) { Pool = this };
        }
        else
        {
            _record.Reuse(root);
        }

        _record.InputLength = inputLength;
        return _record;
    }

    public LogObject Object()
    {
        var slot = _objects;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse();
            return reused;
        }

        var created = new LogObject(8) { Pool = this };
        slot.Keep(created);
        return created;
    }

    public LogArray Array()
    {
        var slot = _arrays;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse();
            return reused;
        }

        var created = new LogArray();
        slot.Keep(created);
        return created;
    }

    public LogProperty Property(ReadOnlyMemory<byte> rawName, bool hasEscapes, LogNode value, int first, int memberLength = 0, bool stringValue = false)
    {
        var slot = _properties;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse(rawName, hasEscapes, value, first, memberLength, stringValue);
            return reused;
        }

        var created = new LogProperty(rawName, hasEscapes, value, first, memberLength, stringValue);
        slot.Keep(created);
        return created;
    }

    public LogProperty Property(string name, LogNode value)
    {
        var slot = _properties;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse(name, value);
            return reused;
        }

        var created = new LogProperty(name, value);
        slot.Keep(created);
        return created;
    }

    /// <summary>A property named by an enricher's constant name (see <see cref="LogName"/>).</summary>
    public LogProperty Property(LogName name, LogNode value)
    {
        var slot = _properties;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse(name, value);
            return reused;
        }

        var created = new LogProperty(name, value);
        slot.Keep(created);
        return created;
    }

    public LogString String(ReadOnlyMemory<byte> raw, bool hasEscapes)
    {
        var slot = _strings;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse(raw, hasEscapes);
            return reused;
        }

        var created = LogString.FromRaw(raw, hasEscapes);
        slot.Keep(created);
        return created;
    }

    public LogString String(string value)
    {
        var slot = _strings;
        if (slot.TryTake(out var reused))
        {
            reused.Value = value;
            return reused;
        }

        var created = new LogString(value);
        slot.Keep(created);
        return created;
    }

    /// <summary>A copy of <paramref name="utf8"/> that lives until the next <see cref="Reset"/>: text an enricher
    /// rebuilt from the record (masked values) is kept as bytes, so no string is made and none is transcoded back
    /// when the record is written.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> utf8)
    {
        if (_bytesUsed + utf8.Length > _bytes.Length)
        {
            if (utf8.Length > MaxKeptBytes / 4)
            {
                return utf8.ToArray();
            }

            // Values already handed out keep the old block alive until their record is written.
            _bytes = new byte[Math.Min(MaxKeptBytes, Math.Max(_bytes.Length * 2, utf8.Length * 4))];
            _bytesUsed = 0;
        }

        var memory = _bytes.AsMemory(_bytesUsed, utf8.Length);
        utf8.CopyTo(memory.Span);
        _bytesUsed += utf8.Length;
        return memory;
    }

    /// <summary>A string of reference data (see <see cref="LogString.IsFromReferenceData"/>).</summary>
    public LogString ReferenceString(string value) => String(value).AsReferenceData();

    /// <summary>A string of reference data held as JSON string content (see <see cref="LogString.AsReferenceData"/>).</summary>
    public LogString ReferenceString(ReadOnlyMemory<byte> utf8, bool hasEscapes) => String(utf8, hasEscapes).AsReferenceData();

    /// <summary>A number literal with its input text; the shared literals (small integers) stay shared.</summary>
    public LogLiteral Number(ReadOnlyMemory<byte> raw)
    {
        if (LogLiteral.TryShared(raw.Span, out var shared))
        {
            return shared;
        }

        var slot = _numbers;
        if (slot.TryTake(out var reused))
        {
            reused.Reuse(raw);
            return reused;
        }

        var created = LogLiteral.FromRaw(LogNodeKind.Number, raw);
        slot.Keep(created);
        return created;
    }

    /// <summary>A number literal an enricher writes (e.g. <c>trace_elapsed_ms</c>): shared when small, else a
    /// pooled literal whose text lives in a buffer of its own.</summary>
    public LogLiteral Number(long value)
    {
        if ((ulong)value < LogLiteral.SharedCount)
        {
            return LogLiteral.Number(value);
        }

        var slot = _ownNumbers;
        if (!slot.TryTake(out var entry))
        {
            // 20 bytes hold any long, long.MinValue's sign included.
            var text = new byte[20];
            entry = (LogLiteral.Unshared(text), text);
            slot.Keep(entry);
        }

        System.Buffers.Text.Utf8Formatter.TryFormat(value, entry.Text, out var written);
        entry.Literal.Reuse(entry.Text.AsMemory(0, written));
        return entry.Literal;
    }

    /// <summary>The nodes of one kind: an array rather than a list, so taking the next one is a load and a compare, not
    /// a list's own checks on top (every node of every record is taken here).</summary>
    private sealed class Slot<T>
    {
        private T[] _items = new T[64];
        private int _count;

        /// <summary>How many of the kept nodes the current record holds.</summary>
        public int Used;

        /// <summary>The next kept node not handed out since the last reset, if any.</summary>
        public bool TryTake(out T item)
        {
            var used = Used;
            if (used < _count)
            {
                item = _items[used];
                Used = used + 1;
                return true;
            }

            item = default!;
            return false;
        }

        /// <summary>Keeps a node just made (as handed out) for the next records, up to <see cref="MaxKeptPerKind"/>.</summary>
        public void Keep(T item)
        {
            if (_count < MaxKeptPerKind)
            {
                if (_count == _items.Length)
                {
                    System.Array.Resize(ref _items, _count * 2);
                }

                _items[_count++] = item;
                Used++;
            }
        }
    }
}
