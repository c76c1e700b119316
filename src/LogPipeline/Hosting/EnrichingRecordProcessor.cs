using System.Buffers;
using Enrichers;
using LogPipeline.Pipeline;

namespace LogPipeline.Hosting;

/// <summary>The pipeline's <see cref="IRecordProcessor"/> over the shared <see cref="EnrichmentChain"/>: one
/// <see cref="EnrichmentSession"/> per assigned partition, so trace linking state follows the partition and is
/// dropped when it is revoked.</summary>
internal sealed class EnrichingRecordProcessor(EnrichmentChain chain) : IRecordProcessor
{
    public IPartitionProcessor CreatePartitionProcessor(string topic, int partition) =>
        new PartitionProcessor(chain.CreateSession());

    private sealed class PartitionProcessor(EnrichmentSession session) : IPartitionProcessor
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

            // The document outlives this call (it waits in the sink's batch), so it gets its own array.
            record.Document = _output.WrittenSpan.ToArray();
            return ProcessResult.Ok;
        }

        public void Dispose() => session.Dispose();
    }
}
