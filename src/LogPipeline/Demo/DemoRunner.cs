using System.Diagnostics;
using Enrichers.Geo;
using Enrichers;
using LogPipeline.Cli;
using LogPipeline.Configuration;
using LogPipeline.Demo.Generator;
using LogPipeline.Demo.Geo;
using LogPipeline.Demo.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogPipeline.Demo;

/// <summary>The <c>demo</c>: an embedded Kafka cluster, a generated SMM log stream, the real worker host over it
/// (same configuration, source, chain and sinks as <c>run</c>), live progress, then a summary that accounts for
/// every produced record.</summary>
internal sealed class DemoRunner(DemoSettings settings, TextWriter output, TextWriter? errors = null)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    // Redirected, every update is a line: a demo's log shows how it went.
    private readonly ProgressLine _progress = ProgressLine.For(output, ProgressMode.Lines);

    /// <param name="buildConfiguration">Builds and validates the configuration from the command line, given the
    /// demo's own defaults (the embedded cluster's address, the file sink).</param>
    public async Task<int> RunAsync(Func<IReadOnlyDictionary<string, string?>, IConfigurationRoot> buildConfiguration)
    {
        output.WriteLine("LogPipeline demo: embedded Kafka → enrichment → " + (settings.EsUrl is null
            ? $"_bulk files in {Path.GetFullPath(settings.OutputDirectory)}"
            : $"Elasticsearch at {settings.EsUrl}"));

        using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(settings.Topic, settings.Partitions);
        var deadLetterTopic = settings.Topic + ".dlq";
        cluster.CreateTopic(deadLetterTopic, 3);
        output.WriteLine($"  Kafka (embedded, librdkafka mock): {cluster.BootstrapServers}, topic {settings.Topic} ({settings.Partitions} partitions)");

        using var geoIp = settings.GeoIpDatabase is null ? DemoGeoIpDatabase.Create() : null;
        output.WriteLine(geoIp is not null
            ? $"  GeoIP: DEMO DATA ({DemoGeoDatabases.Description}; {DemoGeoIpDatabase.Networks} invented networks), built for this run"
            : $"  GeoIP: {settings.GeoIpDatabase}");

        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka:Consumer:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:Source:Topics:0"] = settings.Topic,
            ["Sink:Type"] = settings.EsUrl is null ? SinkOptions.Types.File : SinkOptions.Types.Elasticsearch,
            ["Sink:File:Directory"] = settings.OutputDirectory,
            ["Http:Address"] = "127.0.0.1:0",
        };
        if (geoIp is not null)
        {
            defaults[GeoIpOptions.CityDatabasePathKey] = geoIp.CityPath;
            defaults[GeoIpOptions.AsnDatabasePathKey] = geoIp.AsnPath;
        }

        var configuration = buildConfiguration(defaults);
        if (settings.EsUrl is null)
        {
            PrepareOutputDirectory(configuration[$"{SinkOptions.SectionName}:File:Directory"] ?? settings.OutputDirectory);
        }

        var generator = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = settings.Seed, PoisonRate = settings.PoisonRate });
        var produceClock = Stopwatch.StartNew();
        var produced = DemoProducer.Produce(cluster.BootstrapServers, settings.Topic, settings.Partitions, generator, settings.Count,
            n => Progress($"  producing {n,9:N0} / {settings.Count:N0}"));
        EndProgress($"  produced {settings.Count:N0} records in {produceClock.Elapsed.TotalSeconds:F1} s " +
            $"({generator.Counts.Poison:N0} poison: {string.Join(", ", generator.Counts.PoisonByKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))})");

        if (cluster.DroppedRecords(settings.Topic, settings.Partitions) is > 0 and var dropped)
        {
            // Those records never reach the worker: the summary could not account for them.
            var needed = Math.Min(256, EmbeddedKafkaCluster.PartitionsToHold(settings.Count, dropped, settings.Partitions));
            await (errors ?? Console.Error).WriteLineAsync(
                $"logpipeline demo: the embedded Kafka keeps about {EmbeddedKafkaCluster.RetainedBytesPerPartition / (1024 * 1024)} MiB per partition and dropped " +
                $"{dropped:N0} of the {settings.Count:N0} records produced; run with --partitions {needed} or a smaller --count").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var run = await RunPipelineAsync(configuration).ConfigureAwait(false);
        if (run is null)
        {
            return ExitCodes.Failure;
        }

        var count = new DemoOutputCount(produced);
        if (settings.EsUrl is null)
        {
            count.CountFiles(configuration["Sink:File:Directory"] ?? settings.OutputDirectory, settings.Topic);
        }

        count.CountDeadLetters(cluster.BootstrapServers, deadLetterTopic);
        var summary = new DemoSummary(settings, generator.Counts, count, run);
        summary.Write(output);
        return summary.Proven ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private async Task<DemoRun?> RunPipelineAsync(IConfigurationRoot configuration)
    {
        WebApplication app;
        try
        {
            app = WorkerHost.Build(configuration, logToConsole: false);
        }
        catch (ConfigurationException e)
        {
            await (errors ?? Console.Error).WriteLineAsync("logpipeline: configuration error: " + e.Message).ConfigureAwait(false);
            return null;
        }

        var outcome = app.Services.GetRequiredService<WorkerOutcome>();
        var chain = app.Services.GetRequiredService<EnrichmentChain>();
        var bridge = app.Services.GetRequiredService<EnrichmentMetricsBridge>();
        var source = ((KafkaPipelineSource)app.Services.GetRequiredService<IPipelineSource>()).Source;
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var process = Process.GetCurrentProcess();
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync().ConfigureAwait(false);
            output.WriteLine($"  worker: metrics on {string.Join(", ", WorkerHost.ListeningAddresses(app))}/metrics");
            var target = settings.Count;
            var clock = Stopwatch.StartNew();
            var cpuStart = process.TotalProcessorTime;
            long last = 0;
            var lastTime = TimeSpan.Zero;
            while (source.AcknowledgedRecords < target && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await Task.Delay(ProgressInterval).ConfigureAwait(false);
                var acknowledged = source.AcknowledgedRecords;
                var now = clock.Elapsed;
                var rate = (acknowledged - last) / Math.Max(0.001, (now - lastTime).TotalSeconds);
                (last, lastTime) = (acknowledged, now);
                var lag = source.GetPartitionStatus().Sum(p => p.Lag ?? 0);
                process.Refresh();
                Progress($"  {acknowledged,9:N0} / {target:N0} acknowledged | {rate,9:N0} records/s | lag {lag,9:N0} | " +
                    $"{source.State} | RSS {process.WorkingSet64 / (1024 * 1024),4} MiB");
            }

            var elapsed = clock.Elapsed;
            var cpu = process.TotalProcessorTime - cpuStart;
            var interrupted = source.AcknowledgedRecords < target;
            EndProgress(interrupted
                ? $"  interrupted after {source.AcknowledgedRecords:N0} records"
                : $"  all {target:N0} records acknowledged in {elapsed.TotalSeconds:F1} s");
            await app.StopAsync().ConfigureAwait(false);
            bridge.Update();
            process.Refresh();
            if (outcome.ExitCode is not (ExitCodes.Ok or ExitCodes.DrainTimedOut))
            {
                await (errors ?? Console.Error).WriteLineAsync("logpipeline: " + outcome.Message).ConfigureAwait(false);
                return null;
            }

            return new DemoRun(elapsed, cpu, process.PeakWorkingSet64, source.AcknowledgedRecords, source.DeadLetteredRecords,
                chain.Statistics, interrupted);
        }
    }

    private void PrepareOutputDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        var old = Directory.GetFiles(directory, "smm-logs-*.ndjson");
        foreach (var file in old)
        {
            File.Delete(file);
        }

        if (old.Length > 0)
        {
            output.WriteLine($"  removed {old.Length} _bulk files of an earlier demo run from {directory}");
        }
    }

    private void Progress(string line) => _progress.Update(line);

    private void EndProgress(string line) => _progress.End(line);
}
