using System.Runtime.InteropServices;
using LogPipeline.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LogPipeline.Tests.Hosting;

public sealed class NativeHeapTrimmerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public void Native_memory_freed_below_the_top_of_the_heap_is_given_back()
    {
        // Blocks under glibc's mmap threshold come from the heap; the last one stays, so the freed ones are not at
        // the top of the heap and free() alone keeps their pages.
        var blocks = Enumerable.Range(0, 200).Select(_ => Marshal.AllocHGlobal(32 * 1024)).ToList();
        var keep = Marshal.AllocHGlobal(32 * 1024);
        try
        {
            foreach (var block in blocks)
            {
                // Touched, so the pages are resident.
                Marshal.Copy(new byte[32 * 1024], 0, block, 32 * 1024);
                Marshal.FreeHGlobal(block);
            }

            Assert.True(NativeHeapTrimmer.TrimNow(), "malloc_trim released nothing (the worker's images run on glibc)");
        }
        finally
        {
            Marshal.FreeHGlobal(keep);
        }
    }

    [Fact]
    public async Task The_heap_is_trimmed_once_per_interval()
    {
        var time = new FakeTimeProvider();
        var trims = 0;
        using var trimmer = new NativeHeapTrimmer(Interval, time, Logger(), () => { Interlocked.Increment(ref trims); return true; });
        await trimmer.StartAsync(CancellationToken.None);

        for (var i = 1; i <= 3; i++)
        {
            time.Advance(Interval);
            await WaitUntil(() => Volatile.Read(ref trims) == i);
        }

        time.Advance(Interval / 2);
        await trimmer.StopAsync(CancellationToken.None);
        Assert.Equal(3, trims);
    }

    [Fact]
    public async Task Without_glibc_the_trimmer_says_so_once_and_stops()
    {
        var time = new FakeTimeProvider();
        var trims = 0;
        var logger = Logger();
        using var trimmer = new NativeHeapTrimmer(Interval, time, logger, () => { Interlocked.Increment(ref trims); return null; });
        await trimmer.StartAsync(CancellationToken.None);

        time.Advance(Interval);
        await WaitUntil(() => trimmer.ExecuteTask!.IsCompleted);
        time.Advance(Interval * 3);

        Assert.Equal(1, trims);
        Assert.Equal(["Memory:NativeHeapTrimInterval has no effect here: the C library is not glibc."], logger.Messages);
    }

    [Fact]
    public async Task An_interval_of_zero_turns_trimming_off()
    {
        var trims = 0;
        using var trimmer = new NativeHeapTrimmer(TimeSpan.Zero, new FakeTimeProvider(), Logger(), () => { trims++; return true; });
        await trimmer.StartAsync(CancellationToken.None);

        await WaitUntil(() => trimmer.ExecuteTask!.IsCompleted);
        Assert.True(trimmer.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(0, trims);
    }

    [Fact]
    public async Task Disposing_without_a_stop_ends_the_trimmer_quietly()
    {
        // A host whose start failed disposes its services without stopping them; an exception escaping then is
        // logged as a crash of the service.
        var time = new FakeTimeProvider();
        var trims = 0;
        var trimmer = new NativeHeapTrimmer(Interval, time, Logger(), () => { Interlocked.Increment(ref trims); return true; });
        await trimmer.StartAsync(CancellationToken.None);
        time.Advance(Interval);
        await WaitUntil(() => Volatile.Read(ref trims) == 1);

        trimmer.Dispose();

        await WaitUntil(() => trimmer.ExecuteTask!.IsCompleted);
        Assert.True(trimmer.ExecuteTask!.IsCompletedSuccessfully);
    }

    private static ListLogger Logger() => new();

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }

    private sealed class ListLogger : ILogger<NativeHeapTrimmer>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }
}
