using System.Buffers;
using Enrichers;
using LogPipeline.Pipeline;

namespace LogPipeline.Hosting;

/// <summary>The pipeline's <see cref="IRecordProcessor"/> over the shared <see cref="EnrichmentChain"/>: one
/// <see cref="EnrichmentSession"/> per assigned partition, so trace linking state follows the partition and is
/// dropped when it is revoked.</summary>
internal sealed class EnrichingRecordProcessor(EnrichmentChain chain, RecordBufferPool? documents = null) : IRecordProcessor
{
    // Documents wait in the sink's batches for a second or more: pooled slabs keep them out of the collector.
    private readonly RecordBufferPool _documents = documents ?? new RecordBufferPool();

    public IPartitionProcessor CreatePartitionProcessor(string topic, int partition) =>
        new PartitionProcessor(chain.CreateSession(), _documents.CreateWriter());

    private sealed class PartitionProcessor(EnrichmentSession session, RecordBufferWriter documents) : IPartitionProcessor
    {
        private readonly ArrayBufferWriter<byte> _output = new(4096);

        public ProcessResult Process(PipelineRecord record)
        {
            _output.ResetWrittenCount();
            var result = session.Enrich(record.Value, _output, record.Timestamp == default ? null : record.Timestamp);
            if (!result.Accepted)
            {
                return ProcessResult.Rejected(result.ReasonCode ?? "rejected", result.ReasonText ?? "rejected by the parser");
            }

            // The document outlives this call (it waits in the sink's batch), so it is copied out of the scratch.
            record.SetDocument(documents.Copy(_output.WrittenSpan));
            return ProcessResult.Ok;
        }

        public void Dispose()
        {
            session.Dispose();
            documents.Dispose();
        }
    }
}
