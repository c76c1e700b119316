using System.Buffers;

namespace Enrichers.Json;

/// <summary>One parsed log record, which enrichers read and change in place, then written back as compact
/// JSON. Untouched fields keep their input bytes and order.
/// <para>Ownership: a record made by <see cref="LogRecordParser.TryParse"/> is the caller's. A record that an
/// <see cref="EnrichmentSession"/> parses (the one its enrichers see) belongs to the thread's node pool and, with
/// all its nodes, is valid only until the next <c>Enrich</c> call on the same thread, which reuses them: an
/// enricher must copy what it keeps (strings, numbers), never keep a record, node or property.</para></summary>
public sealed class LogRecord
{
    private LogObject _root;

    public LogRecord(LogObject root) => _root = root ?? throw new ArgumentNullException(nameof(root));

    public LogObject Root => _root;

    /// <summary>The session pool the record's nodes come from (null outside a session).</summary>
    internal LogNodePool? Pool { get; init; }

    /// <summary>The length of the input the record was parsed from (0 when unknown): sizes the output span.</summary>
    internal int InputLength { get; set; }

    /// <summary>Makes the session's record object hold the next record (see <see cref="LogNodePool"/>).</summary>
    internal void Reuse(LogObject root)
    {
        _root = root;
        _timestampNode = null;
        RouteNamespace = null;
        TraceHeaders = null;
    }

    /// <summary>Trace context the transport carried beside the record (Kafka message headers), read by trace linking
    /// when the body has none; null when there is none.</summary>
    internal Tracing.TraceHeaders? TraceHeaders { get; set; }

    /// <summary>The data stream namespace the normalization stage routed the record to; null: the sink's own.</summary>
    internal string? RouteNamespace { get; set; }

    private LogNode? _timestampNode;
    private long _timestampMs;

    /// <summary>Remembers the Unix milliseconds of the <c>@timestamp</c> node, so later steps (trace linking) need
    /// not parse it again. Tied to the node: a node put in its place, or a new record, is parsed afresh.</summary>
    internal void RememberTimestamp(LogNode node, long milliseconds)
    {
        _timestampNode = node;
        _timestampMs = milliseconds;
    }

    /// <summary>The milliseconds remembered for <paramref name="node"/> (see <see cref="RememberTimestamp"/>).</summary>
    internal bool TryGetRememberedTimestamp(LogNode? node, out long milliseconds)
    {
        milliseconds = _timestampMs;
        return node is not null && ReferenceEquals(node, _timestampNode) && node is not LogString { IsRaw: false };
    }

    /// <summary>A string node for a value an enricher sets: from the session pool when there is one.</summary>
    internal LogString NewString(string value) => Pool is { } pool ? pool.String(value) : new LogString(value);

    /// <summary>A string node for a value an enricher sets from UTF-8 that needs no JSON escaping (no quote,
    /// backslash or control character): copied into the session pool's arena, or to an array of its own
    /// outside a session. No string is made.</summary>
    internal LogString NewUtf8String(ReadOnlySpan<byte> utf8) => Pool is { } pool
        ? pool.String(pool.Copy(utf8), hasEscapes: false)
        : LogString.FromRaw(utf8.ToArray(), hasEscapes: false);

    /// <summary>A string node for a value that comes from reference data, not from the record (GeoIP names,
    /// configured categories), so masking's built-in patterns skip it.</summary>
    internal LogString NewReferenceString(string value)
    {
        if (Pool is { } pool)
        {
            return pool.ReferenceString(value);
        }

        return new LogString(value).AsReferenceData();
    }

    /// <summary>A string node for reference data held as JSON string content that never changes (GeoIP's names, kept
    /// per database record): not copied, and skipped by masking's built-in patterns as
    /// <see cref="NewReferenceString"/> is.</summary>
    internal LogString NewReferenceString(ReadOnlyMemory<byte> utf8, bool hasEscapes) => NewReferenceString(Pool, utf8, hasEscapes);

    /// <summary>As <see cref="NewReferenceString(ReadOnlyMemory{byte}, bool)"/> from <paramref name="pool"/> (null: a node of
    /// its own), for an enricher that fills an object rather than a record (see <see cref="IDeferredMembers"/>).</summary>
    internal static LogString NewReferenceString(LogNodePool? pool, ReadOnlyMemory<byte> utf8, bool hasEscapes) => pool is null
        ? LogString.FromRaw(utf8, hasEscapes).AsReferenceData()
        : pool.ReferenceString(utf8, hasEscapes);

    /// <summary>A number node for a value an enricher sets: from the session pool when there is one.</summary>
    internal LogLiteral NewNumber(long value) => Pool is { } pool ? pool.Number(value) : LogLiteral.Number(value);

    /// <summary>An empty object node for an enricher to fill: from the session pool when there is one.</summary>
    internal LogObject NewObject() => Pool is { } pool ? pool.Object() : new LogObject();

    /// <summary>The first value at a dotted path, nested (<c>{"trace":{"id":..}}</c>) or as a dotted key
    /// (<c>{"trace.id":..}</c>), or null.</summary>
    public LogNode? Find(string path) => LogPath.Find(Root, path);

    /// <summary>The string at a dotted path, or null when absent or not a string.</summary>
    public string? FindString(string path) => Find(path)?.AsString();

    /// <summary>Sets the value at a dotted path: in place where the path already exists (nested or dotted),
    /// else as nested objects.</summary>
    public void Set(string path, LogNode value) => LogPath.Set(Root, path, value);

    public void Set(string path, string value) => Set(path, NewString(value));

    public void Set(string path, long value) => Set(path, NewNumber(value));

    /// <summary>Removes the first value at a dotted path; empty parent objects left behind are removed too.</summary>
    public bool Remove(string path) => LogPath.Remove(Root, path);

    /// <summary>Writes the record as compact single-line JSON.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Enrichers add a few hundred bytes at most to a typical record; a bigger record asks for more.
        var json = new JsonOutput(output, InputLength + 512);
        _root.WriteTo(ref json);
        json.Flush();
    }

    /// <summary>The record as compact JSON bytes (convenience for tests and tools).</summary>
    public byte[] ToUtf8Bytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToUtf8Bytes());
}
