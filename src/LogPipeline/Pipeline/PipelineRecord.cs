namespace LogPipeline.Pipeline;

/// <summary>One Kafka message on its way through the pipeline. The source creates it, the processor
/// fills <see cref="Document"/>, the sink stores it and acknowledges it.</summary>
public sealed class PipelineRecord
{
    public required RecordOrigin Origin { get; init; }

    /// <summary>The original message key, kept for the dead-letter topic.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The original message value, byte for byte (the dead-letter topic gets exactly this).</summary>
    public required ReadOnlyMemory<byte> Value { get; init; }

    /// <summary>The broker's timestamp of the message.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The enriched document as compact single-line UTF-8 JSON; empty until processed.</summary>
    public ReadOnlyMemory<byte> Document { get; set; }

    /// <summary>Bytes this record holds in memory; counts against the in-flight byte bound.</summary>
    public long SizeBytes => Value.Length + Document.Length + (Key?.Length ?? 0);
}
