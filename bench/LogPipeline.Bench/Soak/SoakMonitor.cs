using System.Diagnostics;

namespace LogPipeline.Bench.Soak;

/// <summary>Samples the run once a second: how far the pipeline is behind the producer (lag), the longest time
/// nothing was settled while records waited (the longest pause) and the fault active when it began, the worker's
/// memory; restarts a worker that ended by itself; prints a status line every 10 s.</summary>
internal sealed class SoakMonitor(SoakProducer producer, Func<long> indexed, DeadLetterCollector deadLetters, SoakWorker worker, Stopwatch clock)
{
    private long _lastSettled = -1;
    private TimeSpan _lastProgress;
    private readonly SortedSet<string> _faultsDuringPause = new(StringComparer.Ordinal);
    private TimeSpan _lastStatus;

    /// <summary>The fault being injected now (for the status line and the pause attribution).</summary>
    public string CurrentFault { get; set; } = "none";

    public long MaxLag { get; private set; }

    public TimeSpan LongestPause { get; private set; }

    public string LongestPauseDuring { get; private set; } = "none";

    public TimeSpan LongestPauseAt { get; private set; }

    public long Settled => indexed() + deadLetters.DistinctOrigins;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Sample()
    {
        worker.SampleRss();
        worker.RestartIfExited();
        var now = clock.Elapsed;
        var settled = Settled;
        var lag = Math.Max(0, producer.Delivered - settled);
        MaxLag = Math.Max(MaxLag, lag);
        if (settled > _lastSettled || lag == 0)
        {
            _lastSettled = settled;
            _lastProgress = now;
            _faultsDuringPause.Clear();
        }
        else
        {
            _faultsDuringPause.Add(CurrentFault);
            if (now - _lastProgress > LongestPause)
            {
                LongestPause = now - _lastProgress;
                LongestPauseAt = _lastProgress;
                LongestPauseDuring = string.Join(", ", _faultsDuringPause);
            }
        }

        if (now - _lastStatus >= TimeSpan.FromSeconds(10))
        {
            _lastStatus = now;
            Console.WriteLine($"  {now.TotalSeconds,6:F0} s  produced {producer.Delivered,10:N0}  indexed {indexed(),10:N0}  dead-lettered {deadLetters.DistinctOrigins,7:N0}" +
                              $"  lag {lag,8:N0}  worker peak RSS {worker.PeakRss / (1024 * 1024),4} MiB  fault: {CurrentFault}");
        }
    }
}
