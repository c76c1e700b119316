using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LogPipeline.Pipeline;

namespace LogPipeline.Elasticsearch;

/// <summary>Writes <c>_bulk</c> NDJSON from records whose documents are already UTF-8 JSON: an action line
/// with the deterministic <c>_id</c>, then the document bytes as they are. No per-document object
/// serialization; the action line is a cached per-topic prefix plus two formatted integers.</summary>
internal sealed class BulkBodyWriter
{
    private readonly ConcurrentDictionary<string, byte[]> _prefixes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Topic, string Namespace), byte[]> _routedPrefixes = new();
    private readonly string _operation;
    private readonly string? _routedBaseName;
    private readonly Func<string, byte[]> _buildPrefix;
    private readonly Func<(string Topic, string Namespace), byte[]> _buildRoutedPrefix;

    // Whole bodies (Build: tests, benchmarks) and the sink's response buffers are megabytes (large-object heap).
    // ArrayPool.Shared keeps such arrays per thread and per core, and the sending threads vary, so it once held
    // dozens of idle ones, resident (figures: docs/elasticsearch.md). This pool keeps only as many per size as can
    // be in use at once.
    // The sink itself streams bodies (WriteToAsync) in small chunks and never builds one whole.
    private readonly ArrayPool<byte> _pool;

    /// <param name="operation"><c>create</c> (data streams; a redelivered record answers 409) or <c>index</c>
    /// (rollover alias; a redelivered record overwrites itself).</param>
    /// <param name="maxBodiesInFlight">Buffers from this writer in use at once (the sink's concurrent requests, each
    /// reading its response into one): the pool keeps that many arrays per size and no more.</param>
    /// <param name="routedBaseName">The data stream base name (<c>smm-logs</c>) for records the enrichment routed to a
    /// namespace (<see cref="PipelineRecord.Namespace"/>): their action line names <c>_index</c>
    /// <c>&lt;base&gt;-&lt;namespace&gt;</c>, which Elasticsearch creates from the index template on first write. Null
    /// (rollover aliases, which exist only for the configured namespace): every record goes to the request's target.</param>
    public BulkBodyWriter(string operation, int maxBodiesInFlight = 2, string? routedBaseName = null)
    {
        if (operation is not ("create" or "index"))
        {
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "allowed are create and index");
        }

        _operation = operation;
        _pool = ArrayPool<byte>.Create(MaxPooledBodyBytes, Math.Max(1, maxBodiesInFlight));
        // Held once: passing the method group to GetOrAdd would allocate a delegate per document.
        _buildPrefix = BuildPrefix;
        _routedBaseName = routedBaseName;
        _buildRoutedPrefix = BuildRoutedPrefix;
    }

    /// <summary>Bytes the action line and newlines add to a document, roughly (for the batch byte bound).</summary>
    public const int OverheadEstimate = 64;

    // Above Elasticsearch's default http.max_content_length (100 MB) with room for the estimate's slack.
    private const int MaxPooledBodyBytes = 128 * 1024 * 1024;

    /// <summary>The document <c>_id</c> of a record: <c>topic:partition:offset</c>, and <c>topic:partition:offset:index</c>
    /// for each of the documents made from one message (the log records of an OTLP/JSON batch). Unique per document,
    /// so a record delivered twice maps to one document; readable, so an operator can find the message.</summary>
    public static string DocumentId(RecordOrigin origin) =>
        origin.Index < 0 ? origin.MessageId : string.Create(CultureInfo.InvariantCulture, $"{origin.MessageId}:{origin.Index}");

    /// <summary>Appends the action line and the document of one record.</summary>
    internal void Append(PooledBufferWriter body, PipelineRecord record)
    {
        var prefix = record.Namespace is { } ns && _routedBaseName is not null
            ? _routedPrefixes.GetOrAdd((record.Origin.Topic, ns), _buildRoutedPrefix)
            : _prefixes.GetOrAdd(record.Origin.Topic, _buildPrefix);
        body.Write(prefix);

        var span = body.GetSpan(64);
        Utf8Formatter.TryFormat(record.Origin.Partition, span, out var n);
        span[n++] = (byte)':';
        Utf8Formatter.TryFormat(record.Origin.Offset, span[n..], out var m);
        n += m;
        if (record.Origin.Index >= 0)
        {
            span[n++] = (byte)':';
            Utf8Formatter.TryFormat(record.Origin.Index, span[n..], out m);
            n += m;
        }

        "\"}}\n"u8.CopyTo(span[n..]);
        body.Advance(n + 4);

        body.Write(record.Document.Span);
        body.Write((byte)'\n');
    }

    /// <summary>Builds a complete body for <paramref name="records"/>.</summary>
    internal PooledBufferWriter Build(IReadOnlyList<PipelineRecord> records)
    {
        var size = 0L;
        for (var i = 0; i < records.Count; i++)
        {
            size += records[i].Document.Length + OverheadEstimate;
        }

        var body = new PooledBufferWriter((int)Math.Min(size, int.MaxValue / 2), _pool);
        for (var i = 0; i < records.Count; i++)
        {
            Append(body, records[i]);
        }

        return body;
    }

    /// <summary>Bytes gathered before each write when a body is streamed.</summary>
    internal const int StreamChunkBytes = 64 * 1024;

    /// <summary>Writes the body of <paramref name="records"/> to <paramref name="stream"/> in chunks of about
    /// <see cref="StreamChunkBytes"/>: the sink streams bodies into a chunked request, so no body is ever held
    /// whole (a 5,000-document body is about 4 MB, and up to three were pooled per size).</summary>
    internal async Task WriteToAsync(Stream stream, IReadOnlyList<PipelineRecord> records, CancellationToken cancellationToken)
    {
        using var chunk = new PooledBufferWriter(2 * StreamChunkBytes);
        foreach (var piece in Chunks(records, chunk))
        {
            await stream.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The synchronous form of <see cref="WriteToAsync"/> (the transport's synchronous path).</summary>
    internal void WriteTo(Stream stream, IReadOnlyList<PipelineRecord> records)
    {
        using var chunk = new PooledBufferWriter(2 * StreamChunkBytes);
        foreach (var piece in Chunks(records, chunk))
        {
            stream.Write(piece.Span);
        }
    }

    /// <summary>Fills <paramref name="chunk"/> with whole lines and yields it each time it passes
    /// <see cref="StreamChunkBytes"/>; each piece must be written before the next is asked for.</summary>
    private IEnumerable<ReadOnlyMemory<byte>> Chunks(IReadOnlyList<PipelineRecord> records, PooledBufferWriter chunk)
    {
        for (var i = 0; i < records.Count; i++)
        {
            Append(chunk, records[i]);
            if (chunk.WrittenCount >= StreamChunkBytes)
            {
                yield return chunk.WrittenMemory;
                chunk.Clear();
            }
        }

        if (chunk.WrittenCount > 0)
        {
            yield return chunk.WrittenMemory;
        }
    }

    /// <summary>A buffer from the same bounded pool (the sink reads bulk responses into it).</summary>
    internal PooledBufferWriter RentBuffer(int initialCapacity) => new(initialCapacity, _pool);

    /// <summary>The whole body as a new array (benchmarks and tests).</summary>
    public byte[] ToArray(IReadOnlyList<PipelineRecord> records)
    {
        using var body = Build(records);
        return body.WrittenSpan.ToArray();
    }

    private byte[] BuildRoutedPrefix((string Topic, string Namespace) key)
    {
        // Namespaces are validated ([a-z0-9_.-]); the topic is escaped as in BuildPrefix.
        var escaped = JsonEncodedText.Encode(key.Topic, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        return Encoding.UTF8.GetBytes($"{{\"{_operation}\":{{\"_index\":\"{_routedBaseName}-{key.Namespace}\",\"_id\":\"{escaped}:");
    }

    private byte[] BuildPrefix(string topic)
    {
        // Topic names are [a-zA-Z0-9._-] in Kafka, but a record may come from elsewhere: escape once per topic.
        var escaped = JsonEncodedText.Encode(topic, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        return Encoding.UTF8.GetBytes($"{{\"{_operation}\":{{\"_id\":\"{escaped}:");
    }
}
