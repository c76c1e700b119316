using System.CommandLine;
using LogPipeline.Configuration;
using LogPipeline.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipeline.Cli;

/// <summary><c>run</c>: the worker. Consumes Kafka, enriches, writes to Elasticsearch (or files) until
/// SIGTERM/SIGINT, then drains and commits; a signal during start-up ends it at once with exit code 0 and one
/// log line. Exit codes: see <see cref="ExitCodes"/>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var options = new WorkerCommandOptions();
        var command = new Command("run",
            "Run the worker: Kafka → enrichment → Elasticsearch (or files). Any setting can be given as --Section:Key=value.");
        options.AddTo(command);
        command.SetAction((result, _) => RunAsync(options, result));
        return command;
    }

    private static async Task<int> RunAsync(WorkerCommandOptions options, ParseResult result)
    {
        // Before anything else: Kubernetes may delete a pod that has only just started.
        using var signals = new StartupSignals();
        IConfiguration configuration;
        WebApplication app;
        try
        {
            configuration = options.BuildConfiguration(result);
            // Built off this thread, so a stop request does not wait for it (GeoIP databases are verified whole, a
            // secret file may sit on a slow volume): nothing has been consumed yet, so there is nothing to finish.
            var build = Task.Run(() => WorkerHost.Build(configuration));
            if (await Task.WhenAny(build, signals.StopRequested).ConfigureAwait(false) != build)
            {
                return StoppedDuringStartUp(configuration);
            }

            app = await build.ConfigureAwait(false);
        }
        catch (ConfigurationException e)
        {
            return Fail(ExitCodes.Configuration, e.Message);
        }
        catch (OptionsValidationException e)
        {
            return Fail(ExitCodes.Configuration, string.Join(Environment.NewLine, e.Failures));
        }

        var outcome = app.Services.GetRequiredService<WorkerOutcome>();
        await using (app.ConfigureAwait(false))
        {
            if (!signals.HandTo(app.Lifetime))
            {
                return StoppedDuringStartUp(configuration);
            }

            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel could not bind (address in use, not permitted).
                return Fail(ExitCodes.Configuration, $"Http:Address: cannot listen: {e.Message}");
            }
            catch (OperationCanceledException) when (signals.IsStopRequested)
            {
                // The stop came while the host was starting, before the worker ran.
                return StoppedDuringStartUp(configuration);
            }

            if (outcome.ExitCode != ExitCodes.Ok && outcome.Message is not null)
            {
                await Console.Error.WriteLineAsync("logpipeline: " + outcome.Message).ConfigureAwait(false);
            }

            return outcome.ExitCode;
        }
    }

    /// <summary>The one log line of a stop before the pipeline ran, in the worker's log format.</summary>
    private static int StoppedDuringStartUp(IConfiguration configuration)
    {
        using (var loggers = LoggerFactory.Create(logging => WorkerHost.ConfigureLogging(logging, configuration, logToConsole: true)))
        {
            loggers.CreateLogger<PipelineWorker>().LogInformation(PipelineWorker.StoppedDuringStartUp);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Writes one line per problem to stderr, without a stack trace.</summary>
    internal static int Fail(int exitCode, string message)
    {
        var kind = exitCode == ExitCodes.Configuration ? "configuration error: " : string.Empty;
        foreach (var line in message.Split(Environment.NewLine))
        {
            Console.Error.WriteLine("logpipeline: " + kind + line);
        }

        return exitCode;
    }
}
