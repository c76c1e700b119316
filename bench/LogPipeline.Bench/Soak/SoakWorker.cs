using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LogPipeline.Bench.Soak;

/// <summary>The worker as a child process (<c>logpipeline run</c>, as the container image runs it), which can be
/// killed with SIGKILL and started again like a pod, and whose resident memory is sampled.</summary>
internal sealed class SoakWorker : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private readonly List<int> _exitCodes = [];
    private readonly object _lock = new();
    private Process? _process;
    private long _peakRss;
    private int _starts;

    public SoakWorker(string? workerDll, IReadOnlyList<string> arguments)
    {
        var dll = workerDll ?? Path.Combine(AppContext.BaseDirectory, "logpipeline.dll");
        _arguments = [dll, "run", $"--Http:Address=127.0.0.1:{FreePort()}", .. arguments];
    }

    public int Starts => _starts;

    /// <summary>Exit codes of the processes that ended (-1 for a kill).</summary>
    public IReadOnlyList<int> ExitCodes
    {
        get
        {
            lock (_lock)
            {
                return [.. _exitCodes];
            }
        }
    }

    /// <summary>The highest VmHWM of any of the worker's processes.</summary>
    public long PeakRss => Interlocked.Read(ref _peakRss);

    /// <summary>Workers that ended without being asked to (and were started again).</summary>
    public int UnexpectedExits { get; private set; }

    public void Start()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in LogPipeline.Hosting.ImageRuntimeSettings.Environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker");
        var start = Interlocked.Increment(ref _starts);
        process.OutputDataReceived += (_, e) => Print(start, e.Data);
        process.ErrorDataReceived += (_, e) => Print(start, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Volatile.Write(ref _process, process);
    }

    /// <summary>Starts a new worker when the current one ended by itself, as Kubernetes restarts a pod.</summary>
    public void RestartIfExited()
    {
        if (Volatile.Read(ref _process) is { HasExited: true } process && Interlocked.CompareExchange(ref _process, null, process) == process)
        {
            Console.WriteLine($"  worker exited on its own with code {process.ExitCode}; starting a new one");
            UnexpectedExits++;
            Ended(process.ExitCode, process);
            Start();
        }
    }

    /// <summary>SIGKILL: no drain, no commit, the dead-letter producer's queue is lost.</summary>
    public async Task KillAsync()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        SampleRss(process);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().ConfigureAwait(false);
        Ended(-1, process);
    }

    /// <summary>SIGTERM and wait: the worker drains and commits.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return -1;
        }

        SampleRss(process);
        if (!process.HasExited)
        {
            _ = Kill(process.Id, 15);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        var exitCode = process.ExitCode;
        Ended(exitCode, process);
        return exitCode;
    }

    /// <summary>Reads the running worker's VmHWM into <see cref="PeakRss"/>.</summary>
    public void SampleRss()
    {
        if (Volatile.Read(ref _process) is { } process)
        {
            SampleRss(process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await KillAsync().ConfigureAwait(false);
        }
    }

    private void Ended(int exitCode, Process process)
    {
        lock (_lock)
        {
            _exitCodes.Add(exitCode);
        }

        process.Dispose();
    }

    private void SampleRss(Process process)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var bytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                    long current;
                    while (bytes > (current = Interlocked.Read(ref _peakRss)) && Interlocked.CompareExchange(ref _peakRss, bytes, current) != current)
                    {
                    }

                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The process is gone.
        }
    }

    private static void Print(int start, string? line)
    {
        // The worker logs warnings only (Logging:LogLevel:Default=Warning): each line is worth seeing next to the fault
        // that caused it, but a storm of them is not, so long lines are cut.
        if (line is not null)
        {
            Console.WriteLine($"  worker #{start}: {(line.Length > 300 ? line[..300] + "…" : line)}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
