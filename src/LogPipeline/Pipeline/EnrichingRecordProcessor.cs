using System.Buffers;
using Enrichers;

namespace LogPipeline.Pipeline;

/// <summary>The pipeline's <see cref="IRecordProcessor"/> over the shared <see cref="EnrichmentChain"/>: one
/// <see cref="EnrichmentSession"/> per assigned partition, so trace linking state follows the partition and is
/// dropped when it is revoked.</summary>
internal sealed class EnrichingRecordProcessor(EnrichmentChain chain, RecordBufferPool? documents = null) : IRecordProcessor
{
    // Documents wait in the sink's batches for a second or more: pooled slabs keep them out of the collector.
    private readonly RecordBufferPool _documents = documents ?? new RecordBufferPool();

    // Scratch and document writer per thread, not per partition: a writer holds its current slab until the slab is
    // full, so with a writer per partition every assigned partition kept a 128 KiB slab of its own, and as many
    // scratch buffers took turns in the caches (heap dump: docs/worker.md).
    // Process is synchronous: a thread's scratch is never used twice at once.
    private readonly ThreadLocal<Scratch> _scratch = new();

    public IPartitionProcessor CreatePartitionProcessor(string topic, int partition) =>
        new PartitionProcessor(chain.CreateSession(), this);

    private Scratch ThreadScratch => _scratch.Value ??= new Scratch(new ArrayBufferWriter<byte>(4096), _documents.CreateWriter(), []);

    private sealed record Scratch(ArrayBufferWriter<byte> Output, RecordBufferWriter Documents, List<EnrichedDocument> Enriched);

    private sealed class PartitionProcessor(EnrichmentSession session, EnrichingRecordProcessor owner) : IPartitionProcessor
    {
        public ProcessResult Process(PipelineRecord record)
        {
            var scratch = owner.ThreadScratch;
            var output = scratch.Output;
            output.ResetWrittenCount();
            var documents = scratch.Enriched;
            var result = session.EnrichEach(record.Value, output, documents, record.Timestamp == default ? null : record.Timestamp, record.TraceHeaders,
                new SourcePosition(record.Origin.Topic, record.Origin.Partition, record.Origin.Offset));
            if (!result.Accepted)
            {
                return ProcessResult.Rejected(result.ReasonCode ?? "rejected", result.ReasonText ?? "rejected by the parser");
            }

            // The document outlives this call (it waits in the sink's batch), so it is copied out of the scratch.
            if (!result.IsBatch)
            {
                record.SetDocument(scratch.Documents.Copy(output.WrittenSpan));
                record.Namespace = result.Namespace;
                return ProcessResult.Ok;
            }

            // One document per log record, each with its index in the message: its _id is topic:partition:offset:index.
            var parts = new PipelineRecord[documents.Count];
            var start = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                var part = new PipelineRecord
                {
                    Origin = record.Origin with { Index = i },
                    Value = ReadOnlyMemory<byte>.Empty,
                    Timestamp = record.Timestamp,
                    Parent = record,
                    Namespace = documents[i].Namespace,
                };
                part.SetDocument(scratch.Documents.Copy(output.WrittenSpan.Slice(start, documents[i].Length)));
                start += documents[i].Length;
                parts[i] = part;
            }

            record.SetParts(parts);
            return ProcessResult.Ok;
        }

        // The thread's document writer is shared with other partitions and stays; records already written keep
        // their slabs until released.
        public void Dispose() => session.Dispose();
    }
}
