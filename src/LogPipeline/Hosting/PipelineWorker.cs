using LogPipeline.Configuration;
using LogPipeline.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipeline.Hosting;

/// <summary>The <c>run</c> worker: checks Kafka at start, runs the source (which drives enrichment and the sink)
/// until SIGTERM/SIGINT, then drains within <c>Shutdown:DrainTimeout</c> and commits. Start-up and fatal failures
/// stop the host with an exit code and one line (see <see cref="WorkerOutcome"/>).</summary>
internal sealed class PipelineWorker(
    IPipelineSource source,
    PipelineHealth health,
    WorkerOutcome outcome,
    IOptions<ShutdownOptions> shutdown,
    IOptions<StartupOptions> startup,
    IHostApplicationLifetime lifetime,
    IServer server,
    ILogger<PipelineWorker> logger) : BackgroundService
{
    /// <summary>The one line logged when a stop request comes before any record was consumed: during start-up
    /// (building, bootstrapping the sink, joining the group), or while no partition has had a record yet.</summary>
    internal const string StoppedDuringStartUp = "stop requested before any record was consumed: nothing to drain or commit; exiting";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await WaitForStartedAsync(stoppingToken).ConfigureAwait(false);
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            logger.LogInformation("serving /healthz, /readyz and /metrics on {Addresses}", string.Join(", ", addresses));
            await source.CheckConnectionAsync(startup.Value.ConnectTimeout, stoppingToken).ConfigureAwait(false);
            stoppingToken.Register(() =>
            {
                health.MarkDraining();
                if (source.HasConsumed)
                {
                    // Provisional until the drain reports: if the host's shutdown timeout ends the process first,
                    // the exit code must not claim a drain that was never confirmed.
                    outcome.Fail(ExitCodes.DrainTimedOut, $"the drain did not finish within Shutdown:DrainTimeout = {shutdown.Value.DrainTimeout} of the stop request (plus {WorkerHost.ShutdownMargin.TotalSeconds:0} s to commit and leave the group): records not acknowledged and committed will be redelivered.");
                    logger.LogInformation("stop requested: draining in-flight records (deadline {DrainTimeoutSeconds} s)",
                        shutdown.Value.DrainTimeout.TotalSeconds);
                }
            });
            var drained = await source.RunAsync(shutdown.Value.DrainTimeout, stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                // A source that stops by itself would leave a live process that consumes nothing.
                throw new InvalidOperationException("the Kafka source stopped without a stop request");
            }

            if (!source.HasConsumed)
            {
                // Stopped while the sink bootstrapped or the consumer joined the group, or idle all along.
                outcome.Clear();
                logger.LogInformation(StoppedDuringStartUp);
            }
            else if (!drained)
            {
                var shortfall = source.DescribeIncompleteStop();
                outcome.Fail(ExitCodes.DrainTimedOut, "stop incomplete: " + shortfall + ".");
                logger.LogWarning("stop incomplete: {Shortfall}", shortfall);
            }
            else
            {
                outcome.Clear();
                logger.LogInformation("stopped: every in-flight record acknowledged and committed");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while the host started or connections were checked. Without a stop request the host itself
            // failed to start (e.g. the HTTP port is taken), which the command reports.
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                logger.LogInformation(StoppedDuringStartUp);
            }
        }
        catch (DependencyUnavailableException e)
        {
            health.MarkFatal(e.Message);
            outcome.Fail(ExitCodes.Unavailable, e.Message);
            lifetime.StopApplication();
        }
        catch (ConfigurationException e)
        {
            health.MarkFatal(e.Message);
            outcome.Fail(ExitCodes.Configuration, e.Message);
            lifetime.StopApplication();
        }
        catch (Exception e)
        {
            health.MarkFatal(e.GetType().Name + ": " + e.Message);
            outcome.Fail(ExitCodes.Failure, "worker failed: " + e.Message);
            logger.LogCritical(e, "worker failed");
            lifetime.StopApplication();
        }
    }

    // Kestrel starts after the hosted services; its address (port 0 resolved) is known once the host started.
    private async Task WaitForStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }
}
