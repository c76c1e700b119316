using LogPipeline.Pipeline;

namespace LogPipeline.Testing;

/// <summary>A sink that acknowledges every record at once and keeps nothing: measures the source alone.</summary>
internal sealed class NoOpRecordSink : IRecordSink
{
    private IRecordAcknowledger? acknowledger;
    private long count;

    public long Count => Interlocked.Read(ref count);

    public bool IsHealthy => true;

    public Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
    {
        this.acknowledger = acknowledger;
        return Task.CompletedTask;
    }

    public ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
    {
        acknowledger!.Acknowledge(record);
        Interlocked.Increment(ref count);
        return ValueTask.CompletedTask;
    }

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
