using System.CommandLine;
using LogPipeline.Configuration;
using LogPipeline.Demo;
using LogPipeline.Hosting;

namespace LogPipeline.Cli;

/// <summary><c>demo</c>: the whole path on this machine. Starts an embedded Kafka cluster, produces a generated SMM
/// log stream, runs the real worker over it into <c>_bulk</c> files (or a cluster given with <c>--es-url</c>) and
/// ends with a summary that accounts for every record. Takes the same options as <c>run</c>.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var options = new WorkerCommandOptions();
        var count = new Option<int>("--count") { Description = "Records to produce.", DefaultValueFactory = _ => 200_000, HelpName = "N" };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the demo topic.", DefaultValueFactory = _ => 24, HelpName = "N" };
        var poison = new Option<double>("--poison-rate")
        {
            Description = "Fraction of poison records (invalid JSON, invalid UTF-8, oversized, ...).",
            DefaultValueFactory = _ => 0.002,
            HelpName = "RATE",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator (same seed, same records).", DefaultValueFactory = _ => 42 };
        var command = new Command("demo",
            "Run the pipeline end to end on an embedded Kafka cluster with generated SMM logs; writes _bulk files to ./demo-output.");
        command.Add(count);
        command.Add(partitions);
        command.Add(poison);
        command.Add(seed);
        options.AddTo(command);
        command.SetAction(async (result, _) =>
        {
            var settings = new DemoSettings(
                Count: result.GetValue(count),
                Partitions: result.GetValue(partitions),
                PoisonRate: result.GetValue(poison),
                Seed: result.GetValue(seed),
                Topic: "smm-logs-raw",
                EsUrl: result.GetValue(options.EsUrl),
                GeoIpDatabase: result.GetValue(options.GeoIpDb),
                OutputDirectory: result.GetValue(options.Output) ?? "./demo-output");
            if (settings.Count is < 1 or > 10_000_000 || settings.Partitions is < 1 or > 256 || settings.PoisonRate is < 0 or > 1)
            {
                return RunCommand.Fail(ExitCodes.Configuration,
                    "--count must be 1 to 10000000, --partitions 1 to 256, --poison-rate 0 to 1.");
            }

            try
            {
                return await new DemoRunner(settings, Console.Out).RunAsync(defaults => options.BuildConfiguration(result, defaults)).ConfigureAwait(false);
            }
            catch (ConfigurationException e)
            {
                return RunCommand.Fail(ExitCodes.Configuration, e.Message);
            }
        });
        return command;
    }
}
