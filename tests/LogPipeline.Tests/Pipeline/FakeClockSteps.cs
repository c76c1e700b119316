using LogPipeline.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace LogPipeline.Tests.Pipeline;

/// <summary>Drives a <see cref="BatchingSink"/> on a <see cref="FakeTimeProvider"/>: the clock moves only in steps,
/// and between steps the sink gets real time to react, so what happens depends on the fake clock alone.</summary>
internal static class FakeClockSteps
{
    /// <summary>Waits (real time, bounded) until the sink has taken every record written into a batch.</summary>
    public static async Task UntilTakenAsync(BatchingSink sink)
    {
        await UntilAsync(() => sink.Buffered == 0);
    }

    /// <summary>Waits (real time, bounded) until <paramref name="done"/> holds, the clock standing still.</summary>
    public static async Task UntilAsync(Func<bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done())
        {
            await Task.Delay(2, timeout.Token);
        }
    }

    /// <summary>Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="done"/> holds, giving the
    /// sink up to 100 ms of real time after each step; returns how far the clock moved. Fails past
    /// <paramref name="limit"/>.</summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> done, TimeSpan limit)
    {
        var advanced = TimeSpan.Zero;
        while (true)
        {
            for (var i = 0; i < 50 && !done(); i++)
            {
                await Task.Delay(2);
            }

            if (done())
            {
                return advanced;
            }

            Assert.True(advanced < limit, $"still not done after the clock moved {advanced}");
            time.Advance(step);
            advanced += step;
        }
    }
}
