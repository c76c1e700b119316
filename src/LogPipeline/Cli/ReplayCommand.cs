using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using LogPipeline.Configuration;
using LogPipeline.Diagnostics;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Replay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Cli;

/// <summary><c>replay</c>: reads the dead-letter topic up to its end at start, takes the dead letters that match the
/// filters, runs their original bytes through the current enrichment chain and writes them to the configured sink
/// with their original <c>_id</c> (op <c>create</c>: a 409 counts as "already present"), so replaying twice
/// duplicates nothing. Same configuration and options as <c>run</c>. Progress on stderr every 2 s (one line rewritten
/// on a terminal), a summary on stdout; exit code 0 only when every matched dead letter was stored (see docs/replay.md).</summary>
internal static class ReplayCommand
{
    /// <summary>Exit code when the replay was interrupted (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var options = new WorkerCommandOptions();
        var dlqTopic = new Option<string[]>("--dlq-topic")
        {
            Description = "Dead-letter topic(s) to read. Default: Kafka:Source:DeadLetterTopic for each of Kafka:Source:Topics.",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        var since = new Option<string?>("--since")
        {
            Description = "Only dead letters written at or after this time (ISO 8601, UTC unless an offset is given).",
            HelpName = "TIME",
        };
        var until = new Option<string?>("--until")
        {
            Description = "Only dead letters written before this time (ISO 8601, UTC unless an offset is given).",
            HelpName = "TIME",
        };
        var reason = new Option<string[]>("--reason")
        {
            Description = "Only dead letters with this reason code (repeatable), e.g. mapper_parsing_exception.",
            HelpName = "CODE",
        };
        var originTopic = new Option<string[]>("--origin-topic")
        {
            Description = "Only dead letters consumed from this topic (repeatable).",
            HelpName = "NAME",
        };
        var originPartition = new Option<int[]>("--origin-partition")
        {
            Description = "Only dead letters consumed from this partition (repeatable).",
            HelpName = "N",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Count the matching dead letters by reason; write nothing (Elasticsearch is not contacted).",
        };
        var group = new Option<string?>("--group")
        {
            Description = "A dedicated consumer group: start at its committed offsets and commit the end after a clean replay. " +
                          "Without it nothing is committed and every replay reads the whole topic.",
            HelpName = "NAME",
        };

        var command = new Command("replay",
            "Replay the dead-letter topic through the current enrichment chain into Elasticsearch, with each record's original _id. " +
            "Takes the same configuration as run.");
        foreach (var option in new Option[] { dlqTopic, since, until, reason, originTopic, originPartition, dryRun, group })
        {
            command.Add(option);
        }

        options.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var error = result.InvocationConfiguration.Error;
            var output = result.InvocationConfiguration.Output;
            IConfiguration configuration;
            ReplayFilter filter;
            try
            {
                configuration = options.BuildConfiguration(result);
                filter = new ReplayFilter
                {
                    Since = Time(result.GetValue(since), "--since"),
                    Until = Time(result.GetValue(until), "--until"),
                    Reasons = (result.GetValue(reason) ?? []).ToHashSet(StringComparer.Ordinal),
                    OriginTopics = (result.GetValue(originTopic) ?? []).ToHashSet(StringComparer.Ordinal),
                    OriginPartitions = (result.GetValue(originPartition) ?? []).ToHashSet(),
                };
            }
            catch (ConfigurationException e)
            {
                return Fail(error, ExitCodes.Configuration, e.Message);
            }

            // The host's console lifetime is not there to stop a command: SIGINT/SIGTERM end the replay, which then
            // still prints what it did. Nothing is committed, so running it again is safe.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupt.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; interrupt.Cancel(); });
            var request = new ReplayRequest(result.GetValue(dlqTopic) ?? [], filter, result.GetValue(dryRun), result.GetValue(group));
            return await RunAsync(configuration, request, output, error, interrupt.Token).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>What the command line asked for.</summary>
    internal sealed record ReplayRequest(IReadOnlyList<string> DeadLetterTopics, ReplayFilter Filter, bool DryRun, string? Group);

    /// <param name="configuration">A configuration already checked by <see cref="ConfigurationSchema.Validate"/>.</param>
    internal static async Task<int> RunAsync(IConfiguration configuration, ReplayRequest request, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var topics = request.DeadLetterTopics.Count > 0 ? request.DeadLetterTopics : DefaultTopics(configuration);
        if (topics.Count == 0)
        {
            return Fail(error, ExitCodes.Configuration, "no dead-letter topic: Kafka:Source:TopicPattern is set, so give --dlq-topic");
        }

        var consumer = DeadLetterReader.PrepareConsumer(KafkaClientConfiguration.BindConsumer(configuration), request.Group);
        var collection = new ServiceCollection();
        // The sink takes its Elasticsearch options from the options system, as in the worker: without the
        // sections registered here it would get unbound defaults (localhost:9200) instead of --es-url.
        ConfigurationSchema.AddOptions(collection, configuration);
        var services = collection
            .AddSingleton(new PipelineMetrics())
            .AddSingleton(TimeProvider.System)
            .AddLogging(logging => WorkerHost.ConfigureLogging(logging, configuration, logToConsole: false))
            .BuildServiceProvider();
        await using (services.ConfigureAwait(false))
        {
            var metrics = services.GetRequiredService<PipelineMetrics>();
            IRecordProcessor? processor = null;
            IRecordSink? sink = null;
            try
            {
                if (!request.DryRun)
                {
                    processor = new EnrichingRecordProcessor(
                        WorkerHost.CreateChain(ConfigurationSchema.Get<Enrichers.EnrichmentOptions>(configuration), TimeProvider.System));
                    sink = PipelineSinks.Create(services, configuration, ConfigurationSchema.Get<SinkOptions>(configuration));
                }
            }
            catch (ConfigurationException e)
            {
                return Fail(error, ExitCodes.Configuration, e.Message);
            }

            var summary = new ReplaySummary { DryRun = request.DryRun };
            DeadLetterReader reader;
            try
            {
                reader = DeadLetterReader.Open(consumer, topics, request.Group is not null, request.Filter.Since);
            }
            catch (DeadLetterReplayException e)
            {
                if (sink is not null)
                {
                    await sink.DisposeAsync().ConfigureAwait(false);
                }

                return Fail(error, e.Unavailable ? ExitCodes.Unavailable : ExitCodes.Failure, e.Message);
            }

            using (reader)
            {
                output.WriteLine($"replay{(request.DryRun ? " (dry run)" : "")}: {string.Join(", ", topics)}: {reader.Partitions} partitions, " +
                                 $"{reader.Total.ToString("N0", CultureInfo.InvariantCulture)} dead letters to read" +
                                 (reader.UsesGroup ? $" from group {request.Group}'s offsets" : "") + $"; taking {request.Filter}");
                var interrupted = false;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                // Redirected, a line every 2 s: a long replay's log shows how far it got.
                var progress = ProgressLine.For(error, ProgressMode.Lines);
                using (new Timer(_ => Progress(progress, reader, summary), null, ProgressInterval, ProgressInterval))
                {
                    try
                    {
                        await new DeadLetterReplayer(request.Filter, processor, sink, metrics).RunAsync(reader, summary, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        interrupted = true;
                    }
                    finally
                    {
                        if (sink is not null)
                        {
                            await sink.DisposeAsync().ConfigureAwait(false);
                        }
                    }
                }

                progress.Clear();
                interrupted |= cancellationToken.IsCancellationRequested;
                output.WriteLine(interrupted ? "replay interrupted:" : "replay done:");
                summary.WriteTo(output);
                SummaryTable.Row(output, "time", clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), "s");
                if (interrupted)
                {
                    return Interrupted;
                }

                if (!summary.IsClean)
                {
                    return ExitCodes.Failure;
                }

                if (!request.DryRun)
                {
                    reader.CommitEnd();
                }

                return ExitCodes.Ok;
            }
        }
    }

    /// <summary>The dead-letter topic of each consumed topic, as the worker names them.</summary>
    private static List<string> DefaultTopics(IConfiguration configuration)
    {
        var source = ConfigurationSchema.Get<KafkaSourceOptions>(configuration);
        return string.IsNullOrWhiteSpace(source.TopicPattern)
            ? source.Topics.Select(source.DeadLetterTopicFor).Distinct(StringComparer.Ordinal).ToList()
            : [];
    }

    private static DateTimeOffset? Time(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new ConfigurationException($"{option} = '{value}' is not allowed: expected an ISO 8601 time, e.g. 2026-12-07T14:00:00Z.");
    }

    private static void Progress(ProgressLine progress, DeadLetterReader reader, ReplaySummary summary)
    {
        var total = Math.Max(1, reader.Total);
        progress.Update(string.Create(CultureInfo.InvariantCulture,
            $"replay: {reader.Read:N0}/{reader.Total:N0} read ({100.0 * reader.Read / total:F0} %), {summary.Matched:N0} matched, " +
            $"{summary.Acknowledged:N0} stored, {summary.RejectedAgain.Values.Sum():N0} rejected again"));
    }

    private static int Fail(TextWriter error, int exitCode, string message)
    {
        var kind = exitCode == ExitCodes.Configuration ? "configuration error: " : "";
        foreach (var line in message.Split(Environment.NewLine))
        {
            error.WriteLine("logpipeline replay: " + kind + line);
        }

        return exitCode;
    }
}
