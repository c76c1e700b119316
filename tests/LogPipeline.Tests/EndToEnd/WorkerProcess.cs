using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LogPipeline.Tests.EndToEnd;

/// <summary>The real worker as a child process: <c>dotnet logpipeline.dll run ...</c> from this test's output
/// directory, with its stdout/stderr captured, its HTTP port known, and SIGTERM/SIGKILL at hand.</summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private WorkerProcess(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Stdout => _stdout.ToList();

    public IReadOnlyList<string> Stderr => _stderr.ToList();

    /// <summary>Starts <c>logpipeline run</c> with <paramref name="arguments"/> (an <c>--Http:Address</c> on a free
    /// port is added).</summary>
    public static WorkerProcess StartRun(IEnumerable<string> arguments) => Start(["run", .. arguments], addHttp: true);

    /// <summary>Starts the program with exactly <paramref name="arguments"/>.</summary>
    public static WorkerProcess Start(IReadOnlyList<string> arguments, bool addHttp = false)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "logpipeline.dll");
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (addHttp)
        {
            info.ArgumentList.Add($"--Http:Address=127.0.0.1:{port}");
        }

        // The child must not inherit settings meant for the test process.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("LOGPIPELINE__", StringComparison.Ordinal) || k == "NODE_NAME").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker");
        return new WorkerProcess(process, port);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the worker did not exit within {timeout}.{Environment.NewLine}{Describe()}");
        }

        // Let the asynchronous readers drain the pipes.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as Kubernetes sends on pod deletion.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException("kill -TERM failed: " + Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>SIGKILL: no chance to drain or commit.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async Task<HttpStatusCode?> StatusAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{HttpPort}{path}");
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<string> GetStringAsync(string path) => await _http.GetStringAsync($"http://127.0.0.1:{HttpPort}{path}");

    /// <summary>Resident memory of the child, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; throws with the worker's output when the worker
    /// exits or <paramref name="timeout"/> passes first (a guard against hanging, not a timing assertion).</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the worker exited ({_process.ExitCode}) while waiting for {what}.{Environment.NewLine}{Describe()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what} after {timeout}.{Environment.NewLine}{Describe()}");
            }

            await Task.Delay(50);
        }
    }

    public string Describe() =>
        "--- worker stderr ---" + Environment.NewLine + string.Join(Environment.NewLine, _stderr.TakeLast(30)) + Environment.NewLine +
        "--- worker stdout (last 30 lines) ---" + Environment.NewLine + string.Join(Environment.NewLine, _stdout.TakeLast(30));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
