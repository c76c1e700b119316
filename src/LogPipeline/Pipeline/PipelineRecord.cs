namespace LogPipeline.Pipeline;

/// <summary>One Kafka message on its way through the pipeline. The source creates it, the processor
/// fills <see cref="Document"/>, the sink stores it and acknowledges it.
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

    /// <summary>The broker's timestamp of the message.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The data stream namespace the enrichment's routing chose (one of a configured, bounded set), or null
    /// for the sink's configured namespace. Set by the processor with <see cref="Document"/>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The enriched document as compact single-line UTF-8 JSON; empty until processed.</summary>
    public ReadOnlyMemory<byte> Document { get; set; }

    /// <summary>Bytes this record holds in memory; counts against the in-flight byte bound. Stable after release.</summary>
    public long SizeBytes => Value.Length + Document.Length + (Key?.Length ?? 0);

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
