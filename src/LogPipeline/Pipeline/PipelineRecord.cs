namespace LogPipeline.Pipeline;

/// <summary>One Kafka message on its way through the pipeline. The source creates it, the processor
/// fills <see cref="Document"/> (or, for a message that holds several log records, its <see cref="Parts"/>), the sink
/// stores it and acknowledges it.
/// <para>The bytes of <see cref="Value"/> and <see cref="Document"/> may live in a <see cref="RecordBufferPool"/>
/// slab: they are valid until the source releases the record, which it does once the sink has reported the
/// record's fate (<see cref="IRecordAcknowledger"/>), so a sink must not read a record after acknowledging or
/// rejecting it.</para></summary>
internal sealed class PipelineRecord
{
    private RecordBufferSlab? _documentSlab;
    private int _released;

    public required RecordOrigin Origin { get; init; }

    /// <summary>The original message key, kept for the dead-letter topic.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The original message value, byte for byte (the dead-letter topic gets exactly this).</summary>
    public required ReadOnlyMemory<byte> Value { get; init; }

    /// <summary>The slab <see cref="Value"/> lives in, when it was copied by a <see cref="RecordBufferWriter"/>.</summary>
    internal RecordBufferSlab? ValueSlab { get; init; }

    /// <summary>Trace context the message's headers carried (<c>traceparent</c>, <c>b3</c>…), or null: the enrichment
    /// uses it for records whose body has no trace ID, and the dead-letter copy keeps it.</summary>
    public Enrichers.Tracing.TraceHeaders? TraceHeaders { get; init; }

    /// <summary>The broker's timestamp of the message.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The data stream namespace the enrichment's routing chose (one of a configured, bounded set), or null
    /// for the sink's configured namespace. Set by the processor with <see cref="Document"/>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The enriched document as compact single-line UTF-8 JSON; empty until processed.</summary>
    public ReadOnlyMemory<byte> Document { get; set; }

    /// <summary>The documents of a message that held several log records (an OTLP/JSON batch), one part each, instead
    /// of one <see cref="Document"/>; null for a message that is one document. Set by the processor.</summary>
    public RecordParts? Parts { get; private set; }

    /// <summary>The message this record is a part of (see <see cref="Parts"/>), or null.</summary>
    public PipelineRecord? Parent { get; init; }

    /// <summary>Bytes of the documents: <see cref="Document"/>, or those of all <see cref="Parts"/>.</summary>
    public long DocumentBytes => Document.Length + (Parts?.DocumentBytes ?? 0);

    /// <summary>Bytes this record holds in memory; counts against the in-flight byte bound. Stable after release.</summary>
    public long SizeBytes => Value.Length + DocumentBytes + (Key?.Length ?? 0);

    /// <summary>Makes this message's documents <paramref name="parts"/> (each with this record as
    /// <see cref="Parent"/>); its own <see cref="Document"/> stays empty.</summary>
    public void SetParts(PipelineRecord[] parts) => Parts = new RecordParts(parts);

    /// <summary>Drops a record that will get no verdict (its partition was closed; it is redelivered): its buffers go
    /// back, and a part lets its message release its own once no part is left.</summary>
    internal void Abandon()
    {
        ReleaseBuffers();
        if (Parent is { Parts: { } siblings } parent && siblings.Settle(this, null, null, abandoned: true))
        {
            parent.ReleaseBuffers();
        }
    }

    /// <summary>Sets <see cref="Document"/> to pooled bytes, released with the record.</summary>
    public void SetDocument(RecordBuffer document)
    {
        _documentSlab?.Release();
        Document = document.Memory;
        _documentSlab = document.Slab;
    }

    /// <summary>Gives the pooled bytes of <see cref="Value"/> and <see cref="Document"/> back; called once by the
    /// source when nothing reads the record any more (later calls do nothing).</summary>
    internal void ReleaseBuffers()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            ValueSlab?.Release();
            _documentSlab?.Release();
        }
    }
}
