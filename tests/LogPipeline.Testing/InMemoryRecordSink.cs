using System.Collections.Concurrent;
using System.Threading.Channels;
using LogPipeline.Pipeline;

namespace LogPipeline.Testing;

/// <summary>A sink for tests: keeps the origin (and optionally the document) of every stored record, in the
/// order it acknowledged them. It can be slowed (<see cref="AckDelay"/>), stalled (<see cref="Stall"/>:
/// nothing is acknowledged and writes block once <c>capacity</c> records wait), and made to reject chosen
/// records (<see cref="RejectWhen"/>), which the source then dead-letters.</summary>
internal sealed class InMemoryRecordSink : IRecordSink
{
    private readonly Channel<PipelineRecord> buffer;
    private readonly ConcurrentQueue<RecordOrigin> stored = new();
    private readonly ConcurrentQueue<(RecordOrigin Origin, byte[] Document)> documents = new();
    private readonly CancellationTokenSource stop = new();
    private readonly object gateLock = new();
    private TaskCompletionSource open = CreateOpenGate();
    private IRecordAcknowledger? acknowledger;
    private Task? loop;
    private long written;
    private long completed;
    private long rejected;

    /// <param name="capacity">Records the sink holds before <see cref="WriteAsync"/> waits.</param>
    public InMemoryRecordSink(int capacity = 5000)
    {
        buffer = Channel.CreateBounded<PipelineRecord>(new BoundedChannelOptions(capacity) { SingleReader = true });
    }

    /// <summary>Delay before each batch of acknowledgements (a slow destination).</summary>
    public TimeSpan AckDelay { get; set; }

    /// <summary>Most records acknowledged per batch.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Returns a (code, text) reason to reject a record permanently, or null to store it.</summary>
    public Func<PipelineRecord, (string Code, string Text)?>? RejectWhen { get; set; }

    /// <summary>Keep each stored document's bytes (off by default to save memory in big tests).</summary>
    public bool KeepDocuments { get; set; }

    public bool IsHealthy => open.Task.IsCompleted;

    /// <summary>Origins of stored records, in acknowledgement order.</summary>
    public IReadOnlyList<RecordOrigin> Stored => stored.ToArray();

    /// <summary>Stored documents (only with <see cref="KeepDocuments"/>).</summary>
    public IReadOnlyList<(RecordOrigin Origin, byte[] Document)> Documents => documents.ToArray();

    public long StoredCount => stored.Count;

    public long RejectedCount => Interlocked.Read(ref rejected);

    /// <summary>Records handed over and not yet acknowledged or rejected.</summary>
    public long Outstanding => Interlocked.Read(ref written) - Interlocked.Read(ref completed);

    /// <summary>Stops acknowledging until <see cref="Resume"/>.</summary>
    public void Stall()
    {
        lock (gateLock)
        {
            if (open.Task.IsCompleted)
            {
                open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Resume()
    {
        lock (gateLock)
        {
            open.TrySetResult();
        }
    }

    public Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
    {
        this.acknowledger = acknowledger;
        loop = Task.Run(AcknowledgeLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
    {
        await buffer.Writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref written);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref written);
        while (Interlocked.Read(ref completed) < target)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        Resume();
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task AcknowledgeLoopAsync()
    {
        var batch = new List<PipelineRecord>();
        try
        {
            while (await buffer.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                Task gate;
                lock (gateLock)
                {
                    gate = open.Task;
                }

                await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                if (AckDelay > TimeSpan.Zero)
                {
                    await Task.Delay(AckDelay, stop.Token).ConfigureAwait(false);
                }

                batch.Clear();
                while (batch.Count < BatchSize && buffer.Reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                foreach (var record in batch)
                {
                    if (RejectWhen?.Invoke(record) is { } reason)
                    {
                        Interlocked.Increment(ref rejected);
                        acknowledger!.Reject(record, reason.Code, reason.Text);
                    }
                    else
                    {
                        stored.Enqueue(record.Origin);
                        if (KeepDocuments)
                        {
                            documents.Enqueue((record.Origin, record.Document.ToArray()));
                        }

                        acknowledger!.Acknowledge(record);
                    }

                    Interlocked.Increment(ref completed);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static TaskCompletionSource CreateOpenGate()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}
