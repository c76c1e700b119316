using System.Threading.Channels;
using LogPipeline.Diagnostics;

namespace LogPipeline.Pipeline;

/// <summary>The one writer that hands processed records to the sink: every partition runner queues its accepted
/// records here (a bounded queue, so a slow sink holds the runners back), and one task calls
/// <see cref="IRecordSink.WriteAsync"/> in queue order. Records of a partition closed meanwhile are skipped: they
/// are redelivered to the partition's next owner.</summary>
internal sealed class SinkWriter
{
    private readonly IRecordSink _sink;
    private readonly PipelineMetrics _metrics;
    private readonly Action<Exception> _failed;
    private readonly Channel<(PartitionRunner Runner, PipelineRecord Record)> _queue;
    private readonly CancellationTokenSource _stop = new();
    private Task _task = Task.CompletedTask;

    /// <param name="failed">Called once when the sink's <c>WriteAsync</c> throws: the pipeline cannot go on.</param>
    public SinkWriter(IRecordSink sink, int capacity, PipelineMetrics metrics, Action<Exception> failed)
    {
        _sink = sink;
        _metrics = metrics;
        _failed = failed;
        _queue = Channel.CreateBounded<(PartitionRunner, PipelineRecord)>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Records queued for the sink.</summary>
    public int Queued => _queue.Reader.Count;

    public void Start() => _task = Task.Run(RunAsync, CancellationToken.None);

    public bool TryWrite(PartitionRunner runner, PipelineRecord record) => _queue.Writer.TryWrite((runner, record));

    public ValueTask WriteAsync(PartitionRunner runner, PipelineRecord record, CancellationToken token) =>
        _queue.Writer.WriteAsync((runner, record), token);

    /// <summary>Stops taking records and stops the writer, waiting up to <paramref name="timeout"/> for it.</summary>
    public void Stop(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        try
        {
            _task.Wait(timeout);
        }
        catch (AggregateException)
        {
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    if (item.Runner.IsStopped)
                    {
                        item.Record.Abandon();
                        continue;
                    }

                    await _sink.WriteAsync(item.Record, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "sink_write").Inc();
            _failed(e);
        }
    }
}
