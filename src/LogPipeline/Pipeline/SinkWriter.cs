using System.Threading.Channels;
using LogPipeline.Diagnostics;

namespace LogPipeline.Pipeline;

/// <summary>The one writer that hands processed records to the sink: every partition runner queues its accepted
/// records here (a bounded queue, so a slow sink holds the runners back), and one task calls
/// <see cref="IRecordSink.WriteAsync"/> in queue order. Records of a partition closed meanwhile are skipped: they
/// are redelivered to the partition's next owner.</summary>
internal sealed class SinkWriter
{
    private readonly IRecordSink sink;
    private readonly PipelineMetrics metrics;
    private readonly Action<Exception> failed;
    private readonly Channel<(PartitionRunner Runner, PipelineRecord Record)> queue;
    private readonly CancellationTokenSource stop = new();
    private Task task = Task.CompletedTask;

    /// <param name="failed">Called once when the sink's <c>WriteAsync</c> throws: the pipeline cannot go on.</param>
    public SinkWriter(IRecordSink sink, int capacity, PipelineMetrics metrics, Action<Exception> failed)
    {
        this.sink = sink;
        this.metrics = metrics;
        this.failed = failed;
        queue = Channel.CreateBounded<(PartitionRunner, PipelineRecord)>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Records queued for the sink.</summary>
    public int Queued => queue.Reader.Count;

    public void Start() => task = Task.Run(RunAsync, CancellationToken.None);

    public bool TryWrite(PartitionRunner runner, PipelineRecord record) => queue.Writer.TryWrite((runner, record));

    public ValueTask WriteAsync(PartitionRunner runner, PipelineRecord record, CancellationToken token) =>
        queue.Writer.WriteAsync((runner, record), token);

    /// <summary>Stops taking records and stops the writer, waiting up to <paramref name="timeout"/> for it.</summary>
    public void Stop(TimeSpan timeout)
    {
        queue.Writer.TryComplete();
        stop.Cancel();
        try
        {
            task.Wait(timeout);
        }
        catch (AggregateException)
        {
        }
    }

    private async Task RunAsync()
    {
        var token = stop.Token;
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    if (item.Runner.IsStopped)
                    {
                        item.Record.ReleaseBuffers();
                        continue;
                    }

                    await sink.WriteAsync(item.Record, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "sink_write").Inc();
            failed(e);
        }
    }
}
