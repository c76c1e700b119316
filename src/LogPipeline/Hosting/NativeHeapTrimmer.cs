using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Hosting;

/// <summary>Asks glibc every <c>Memory:NativeHeapTrimInterval</c> to give the free pages of its heaps back to the
/// system. Why: glibc returns a freed block's pages only when the block was at the top of its heap, and the Kafka
/// client's buffers (fetch responses, decompression, requests) are freed in the middle of the broker threads'
/// heaps at full rate, so much of what glibc holds for them is free but resident. Trimming every 2 s lowered the
/// worker's RSS at the same throughput (figures: docs/worker.md, figures behind the code's comments).
/// <para>A trim walks the heaps under their locks: no sample in <c>malloc_trim</c> and no more page faults in a
/// 4 s whole-machine profile at full rate. Where the C library is not glibc the first attempt fails and the
/// trimmer stops, saying so once.</para></summary>
/// <param name="trim">Replaces <see cref="TrimNow"/> (tests).</param>
internal sealed partial class NativeHeapTrimmer(TimeSpan interval, TimeProvider time, ILogger<NativeHeapTrimmer> logger, Func<bool?>? trim = null)
    : BackgroundService
{
    private PeriodicTimer? _timer;

    /// <summary>Gives free heap pages back now. True when glibc released memory; false when it had none to release;
    /// null where there is no glibc.</summary>
    public static bool? TrimNow()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Here rather than in ExecuteAsync, which the host runs on another thread: the first interval counts from
        // the start.
        _timer = interval > TimeSpan.Zero ? new PeriodicTimer(interval, time) : null;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        using var _ = timer;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if ((trim ?? TrimNow)() is null)
                {
                    LogNoGlibc(logger);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (or disposed after a failed start, where the host reports an escaping cancellation as a crash).
        }
    }

    // glibc's, by its soname: "libc.so" is a linker script on glibc systems, which dlopen cannot load.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory:NativeHeapTrimInterval has no effect here: the C library is not glibc.")]
    private static partial void LogNoGlibc(ILogger logger);
}
