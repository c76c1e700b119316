using System.Buffers;
using Enrichers.Json;
using Enrichers.Normalization;
using Enrichers.Tracing;

namespace Enrichers;

/// <summary>Enriches the records of one stream in order (see <see cref="EnrichmentChain.CreateSession"/>).
/// Not thread-safe; dispose it when the stream ends (a partition is revoked) to drop its state.</summary>
public sealed class EnrichmentSession : IDisposable
{
    private readonly EnricherSequence _normalization;
    private readonly EnricherSequence _enrichers;
    private readonly EnrichmentOptions _options;
    private readonly EnrichmentStatistics _statistics;
    private readonly TimeProvider _time;

    // One node arena per thread, not per session: a worker has a session per assigned partition (96 in the
    // throughput harness), and with an arena each the parsed nodes of consecutive records were scattered over
    // 96 sets of objects that no cache held, all reachable from the oldest generation so that every reuse dirtied
    // a card the next young collection scanned. Enrich is synchronous and writes the record before it returns,
    // so two sessions on one thread never need the arena at the same time.
    [ThreadStatic]
    private static LogNodePool? t_pool;

    // The log records of the batch being enriched on this thread (see EnrichEach).
    [ThreadStatic]
    private static List<LogObject>? t_parts;

    private readonly bool _splitBatches;

    // Trace linking's, when the chain has it: told about each record as soon as it is parsed (see Prepare).
    private readonly TraceLinkingEnricher? _trace;

    /// <summary>A session without a normalization stage (tests of the enrichers alone).</summary>
    internal EnrichmentSession(EnricherSequence enrichers, EnrichmentOptions options, EnrichmentStatistics statistics, TimeProvider time)
        : this(new EnricherSequence([], statistics), enrichers, options, statistics, time, splitBatches: false)
    {
    }

    internal EnrichmentSession(
        EnricherSequence normalization, EnricherSequence enrichers, EnrichmentOptions options, EnrichmentStatistics statistics, TimeProvider time,
        bool splitBatches)
    {
        _splitBatches = splitBatches;
        _normalization = normalization;
        _time = time;
        _enrichers = enrichers;
        _options = options;
        _statistics = statistics;
        _trace = enrichers.Enrichers.OfType<TraceLinkingEnricher>().FirstOrDefault();
    }

    /// <summary>Parses <paramref name="raw"/>, runs the enrichers and writes the record as compact JSON to
    /// <paramref name="output"/>. Never throws for bad input: returns the rejection instead.
    /// <paramref name="receivedAt"/> (the Kafka timestamp) becomes <c>@timestamp</c> when the record has no
    /// usable time of its own; without it, the session's clock is used.
    /// <para>The record the enrichers see is the thread's: its nodes are reused for the next record enriched on
    /// this thread, by any session (see <see cref="LogRecord"/>), so nothing of it may be kept past this call. <paramref name="raw"/> need
    /// not outlive the call either: the output is complete when it returns.</para></summary>
    public EnrichResult Enrich(ReadOnlyMemory<byte> raw, IBufferWriter<byte> output, DateTimeOffset? receivedAt = null)
    {
        if (Parse(raw, out var rejected) is not { } record)
        {
            return rejected;
        }

        EnrichParsed(record, receivedAt, output);
        return record.RouteNamespace is { } ns ? new EnrichResult(true, null, null, ns) : EnrichResult.Ok;
    }

    /// <summary>As <see cref="Enrich(ReadOnlyMemory{byte}, IBufferWriter{byte}, DateTimeOffset?)"/> for a value that
    /// may hold several log records: an OTLP/JSON logs batch (<c>resourceLogs[].scopeLogs[].logRecords[]</c>) becomes
    /// one document per log record, each with its resource and scope, when the normalization stage is on; any other
    /// value one document. The documents are written to <paramref name="output"/> one after the other, and
    /// <paramref name="documents"/> (cleared first) gets one entry per document, in order. A malformed or empty batch
    /// is rejected whole (nothing is written), like a value that is not JSON.</summary>
    /// <param name="position">Where the value was read; written as <c>kafka.*</c> fields when
    /// <see cref="EnrichmentOptions.KafkaFields"/> is on.</param>
    /// <param name="traceHeaders">Trace context the transport carried beside the value (Kafka message headers): used
    /// by trace linking for each record whose body carries no trace ID.</param>
    public EnrichResult EnrichEach(ReadOnlyMemory<byte> raw, ArrayBufferWriter<byte> output, List<EnrichedDocument> documents,
        DateTimeOffset? receivedAt = null, TraceHeaders? traceHeaders = null, SourcePosition? position = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(documents);
        documents.Clear();
        if (Parse(raw, out var rejected) is not { } record)
        {
            return rejected;
        }

        var pool = record.Pool!;

        if (!_splitBatches || !OtlpLogBatch.IsBatch(record.Root))
        {
            var before = output.WrittenCount;
            record.TraceHeaders = traceHeaders;
            EnrichParsed(record, receivedAt, output, position);
            documents.Add(new EnrichedDocument(output.WrittenCount - before, record.RouteNamespace));
            return record.RouteNamespace is { } ns ? new EnrichResult(true, null, null, ns) : EnrichResult.Ok;
        }

        var parts = t_parts ??= [];
        parts.Clear();
        if (!OtlpLogBatch.TrySplit(record.Root, pool, parts, out var rejection))
        {
            _statistics.Rejections.Increment(rejection!.Code);
            return new EnrichResult(false, rejection.Code, rejection.Reason);
        }

        _statistics.OtlpBatchSplit(parts.Count);
        var inputLength = raw.Length / parts.Count;
        foreach (var part in parts)
        {
            // The session's record object takes each part in turn; the parts share the batch's arena, which is
            // reset only by the next value.
            var partRecord = pool.Record(part, inputLength);
            partRecord.TraceHeaders = traceHeaders;
            var before = output.WrittenCount;
            EnrichParsed(partRecord, receivedAt, output, position);
            documents.Add(new EnrichedDocument(output.WrittenCount - before, partRecord.RouteNamespace));
        }

        parts.Clear();
        return new EnrichResult(true, null, null, IsBatch: true);
    }

    /// <summary>Parses <paramref name="raw"/> into the thread's arena (reset first), or counts and returns its rejection.</summary>
    private LogRecord? Parse(ReadOnlyMemory<byte> raw, out EnrichResult rejected)
    {
        var pool = t_pool ??= new LogNodePool();
        pool.Reset();
        var record = LogRecordParser.TryParse(raw, out var rejection, _options.MaxRecordBytes, _options.MaxDepth, pool);
        if (record is null)
        {
            _statistics.Rejections.Increment(rejection!.Code);
            rejected = new EnrichResult(false, rejection.Code, rejection.Reason);
            return null;
        }

        rejected = default;
        return record;
    }

    private void EnrichParsed(LogRecord record, DateTimeOffset? receivedAt, IBufferWriter<byte> output, SourcePosition? position = null)
    {
        _trace?.Prepare(record);
        _normalization.Enrich(record);
        Timestamps.RecordTimestamp.Ensure(record, receivedAt, _time);
        _enrichers.Enrich(record);
        if (position is { } p && _options.KafkaFields)
        {
            // After masking: topic names and numbers hold no personal data, and the fields are the worker's own.
            var kafka = record.NewObject();
            kafka.Append(FieldNames.KafkaTopic, record.NewString(p.Topic));
            kafka.Append(FieldNames.KafkaPartition, record.NewNumber(p.Partition));
            kafka.Append(FieldNames.KafkaOffset, record.NewNumber(p.Offset));
            record.Root.Set(FieldNames.Kafka, kafka);
        }

        record.WriteTo(output);
        _statistics.RecordEnriched();
    }

    /// <summary>As <see cref="Enrich(ReadOnlyMemory{byte}, IBufferWriter{byte})"/> for input that is only a
    /// span: it is copied to a pooled buffer first, because the record slices its input.</summary>
    public EnrichResult Enrich(ReadOnlySpan<byte> raw, IBufferWriter<byte> output, DateTimeOffset? receivedAt = null)
    {
        var copy = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            raw.CopyTo(copy);
            return Enrich(copy.AsMemory(0, raw.Length), output, receivedAt);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>The enrichers of this session in chain order (for diagnostics and benchmarks).</summary>
    internal IReadOnlyList<ILogEnricher> Enrichers => [.. _normalization.Enrichers, .. _enrichers.Enrichers];

    public void Dispose()
    {
        foreach (var enricher in _enrichers.Enrichers)
        {
            if (enricher is ISessionEnricher owned)
            {
                owned.Dispose();
            }
        }
    }
}
