using System.CommandLine;
using LogPipeline.Configuration;
using LogPipeline.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipeline.Cli;

/// <summary><c>run</c>: the worker. Consumes Kafka, enriches, writes to Elasticsearch (or files) until
/// SIGTERM/SIGINT, then drains and commits. Exit codes: see <see cref="ExitCodes"/>.</summary>
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
        WebApplication app;
        try
        {
            var configuration = options.BuildConfiguration(result);
            app = WorkerHost.Build(configuration);
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
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel could not bind (address in use, not permitted).
                return Fail(ExitCodes.Configuration, $"Http:Address: cannot listen: {e.Message}");
            }

            if (outcome.ExitCode != ExitCodes.Ok && outcome.Message is not null)
            {
                await Console.Error.WriteLineAsync("logpipeline: " + outcome.Message).ConfigureAwait(false);
            }

            return outcome.ExitCode;
        }
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
