using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;

namespace LogPipeline.Replay;

/// <summary>Takes the dead letters a <see cref="ReplayFilter"/> matches, runs their original bytes through the
/// record processor (the current enrichment chain) and hands the documents to the sink under their original origin,
/// so each gets the <c>_id</c> the worker would have given it (<c>topic:partition:offset</c>, and
/// <c>topic:partition:offset:index</c> for each log record of an OTLP/JSON batch): a replay repeated, or
/// overlapping what the worker indexed, duplicates nothing.</summary>
/// <param name="processor">Null together with <paramref name="sink"/> for a dry run (count only).</param>
/// <param name="metrics">The sink's metrics, from which the 409s ("already present") are read.</param>
internal sealed class DeadLetterReplayer(ReplayFilter filter, IRecordProcessor? processor, IRecordSink? sink, PipelineMetrics metrics)
{
    public async Task RunAsync(DeadLetterReader reader, ReplaySummary summary, CancellationToken cancellationToken)
    {
        var dryRun = processor is null || sink is null;
        if (!dryRun)
        {
            await sink!.StartAsync(new BatchAcknowledger(new ReplayAcknowledger(summary)), cancellationToken).ConfigureAwait(false);
        }

        // One per origin partition, as in the worker: trace linking state stays within a partition.
        var partitions = new Dictionary<(string Topic, int Partition), IPartitionProcessor>();
        try
        {
            while (reader.Next(cancellationToken) is { } letter)
            {
                summary.Read = reader.Read;
                if (!filter.Matches(letter))
                {
                    summary.CountFilteredOut();
                    continue;
                }

                summary.CountMatched(letter.ReasonCode);
                if (dryRun)
                {
                    continue;
                }

                if (letter.Origin is not { } origin)
                {
                    summary.CountNotReplayable(ReplaySummary.NoOrigin);
                    continue;
                }

                if (letter.Truncated)
                {
                    summary.CountNotReplayable(ReplaySummary.Truncated);
                    continue;
                }

                if (!partitions.TryGetValue((origin.Topic, origin.Partition), out var partition))
                {
                    partition = processor!.CreatePartitionProcessor(origin.Topic, origin.Partition);
                    partitions.Add((origin.Topic, origin.Partition), partition);
                }

                var record = new PipelineRecord
                {
                    Origin = origin, Key = letter.Key, Value = letter.Value, Timestamp = letter.OriginTimestamp, TraceHeaders = letter.TraceHeaders,
                };
                var result = partition.Process(record);
                if (!result.Accepted)
                {
                    summary.CountRejectedAgain(result.ReasonCode ?? "rejected");
                    record.ReleaseBuffers();
                    continue;
                }

                if (record.Parts is { } parts)
                {
                    foreach (var part in parts.Items)
                    {
                        await sink!.WriteAsync(part, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    await sink!.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!dryRun)
            {
                await sink!.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var partition in partitions.Values)
            {
                partition.Dispose();
            }

            summary.Read = reader.Read;
            summary.AlreadyPresent = (long)metrics.BulkItems.WithLabels("duplicate").Value;
        }
    }
}
