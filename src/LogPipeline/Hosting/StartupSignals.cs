using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace LogPipeline.Hosting;

/// <summary>Catches SIGTERM, SIGINT and SIGQUIT from the first moment of <c>run</c>. The host installs its own
/// handlers only once it starts, after the configuration is read, the GeoIP databases are verified and the
/// clients are built; a signal before that took the runtime's default action, killing the process with exit
/// code 143 and one lost log line. Kubernetes sends SIGTERM whenever a pod is deleted, also one that just started.
/// <para>Before <see cref="HandTo"/> a signal only completes <see cref="StopRequested"/> (the command then exits
/// 0: nothing was consumed, nothing needs committing). After it, a signal stops the host, exactly as the host's
/// own handlers do once they are installed (both may run; stopping twice is harmless).</para></summary>
internal sealed class StartupSignals : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;
    private IHostApplicationLifetime? _lifetime;

    public StartupSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Handle),
        ];
    }

    /// <summary>Completes when a signal arrived before <see cref="HandTo"/>.</summary>
    public Task StopRequested => _stopRequested.Task;

    /// <summary>True when a signal arrived at any time.</summary>
    public bool IsStopRequested { get; private set; }

    /// <summary>From now on a signal stops the host through <paramref name="applicationLifetime"/>. False when a
    /// signal came first: then the host must not be started.</summary>
    public bool HandTo(IHostApplicationLifetime applicationLifetime)
    {
        lock (_gate)
        {
            if (IsStopRequested)
            {
                return false;
            }

            _lifetime = applicationLifetime;
            return true;
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        // The default action would end the process at once, without the drain and commit.
        context.Cancel = true;
        IHostApplicationLifetime? host;
        lock (_gate)
        {
            IsStopRequested = true;
            host = _lifetime;
        }

        if (host is null)
        {
            _stopRequested.TrySetResult();
        }
        else
        {
            host.StopApplication();
        }
    }
}
