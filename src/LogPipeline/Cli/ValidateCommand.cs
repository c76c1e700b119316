using System.CommandLine;
using System.Text.Json;
using LogPipeline.Configuration;
using LogPipeline.Hosting;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Cli;

/// <summary><c>validate</c>: checks a configuration without consuming anything: every key and value (as <c>run</c>
/// checks them), the enrichment chain (GeoIP databases, masking and category rules), Kafka (reachable, the topics and
/// their dead-letter topics exist) and Elasticsearch (reachable, version, the privileges the worker needs). One line
/// per check; exit code 0 when every check passed, 1 when one failed, 2 when the configuration itself is unusable
/// (the clusters are then not asked).</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var options = new WorkerCommandOptions();
        var json = new Option<bool>("--json") { Description = "One JSON document (checks and outcome) instead of lines, for CI." };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to wait for each cluster to answer (default 00:00:10).",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
            HelpName = "TIMESPAN",
        };
        var command = new Command("validate",
            "Check a configuration without consuming: keys and values, GeoIP databases and rules, Kafka topics, " +
            "Elasticsearch version and privileges. Takes the same options as run.");
        options.AddTo(command);
        command.Add(json);
        command.Add(timeout);
        command.SetAction((result, ct) => RunAsync(options, result, result.GetValue(json), result.GetValue(timeout),
            result.InvocationConfiguration.Output, ProgressLine.For(result.InvocationConfiguration.Error, ProgressMode.Silent), ct));
        return command;
    }

    /// <param name="progress">Which check is running (stderr, so that <c>--json</c> output stays one document).</param>
    private static async Task<int> RunAsync(WorkerCommandOptions options, ParseResult result, bool json, TimeSpan timeout,
        TextWriter output, ProgressLine progress, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var checks = new List<ValidationCheck>();
        progress.Update("validate: reading the configuration …");
        IConfigurationRoot? configuration = null;
        try
        {
            configuration = PipelineConfiguration.Build(result.GetValue(options.Config)?.FullName, result.UnmatchedTokens.ToList(),
                explicitValues: options.ExplicitValues(result));
            checks.AddRange(ValidationChecks.Configuration(configuration));
        }
        catch (ConfigurationException e)
        {
            // An unreadable --config file.
            checks.Add(new("configuration", false, e.Message.ReplaceLineEndings(" ")));
        }

        var usable = configuration is not null && checks.TrueForAll(c => c.Ok);
        if (usable)
        {
            progress.Update("validate: building the enrichment chain (GeoIP databases, rules) …");
            checks.Add(ValidationChecks.Enrichment(configuration!));
            progress.Update($"validate: asking Kafka for its topics (up to {timeout}) …");
            checks.AddRange(ValidationChecks.Kafka(configuration!, timeout));
            progress.Update("validate: asking Elasticsearch for its version and the privileges …");
            checks.AddRange(await ValidationChecks.ElasticsearchAsync(configuration!, ct).ConfigureAwait(false));
        }

        progress.Clear();

        var failed = checks.Count(c => !c.Ok);
        var exitCode = !usable ? ExitCodes.Configuration : failed > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        if (json)
        {
            WriteJson(output, checks, exitCode);
        }
        else
        {
            foreach (var check in checks)
            {
                output.WriteLine(check.ToString());
            }

            WriteSummary(output, checks, clock.Elapsed);
            output.WriteLine(failed == 0
                ? $"validate: {checks.Count} checks passed"
                : $"validate: {failed} of {checks.Count} checks failed" + (usable ? "" : " (the clusters were not asked: fix the configuration first)"));
        }

        return exitCode;
    }

    /// <summary>Passed and failed checks by what was checked (the word before the first space: configuration,
    /// enrichment, kafka, elasticsearch), so a long report shows at a glance where it failed.</summary>
    private static void WriteSummary(TextWriter output, List<ValidationCheck> checks, TimeSpan elapsed)
    {
        output.WriteLine();
        SummaryTable.Section(output, "validate");
        foreach (var area in checks.GroupBy(c => c.Check.Split(' ')[0]))
        {
            var failed = area.Count(c => !c.Ok);
            if (failed < area.Count())
            {
                SummaryTable.Row(output, $"{area.Key} checks passed", area.Count() - failed);
            }

            if (failed > 0)
            {
                SummaryTable.Row(output, $"{area.Key} checks FAILED", failed);
            }
        }

        SummaryTable.Row(output, "time", elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), "s");
    }

    private static void WriteJson(TextWriter output, List<ValidationCheck> checks, int exitCode)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", exitCode == ExitCodes.Ok);
            w.WriteNumber("exitCode", exitCode);
            w.WriteStartArray("checks");
            foreach (var check in checks)
            {
                w.WriteStartObject();
                w.WriteString("check", check.Check);
                w.WriteBoolean("ok", check.Ok);
                w.WriteString("detail", check.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
