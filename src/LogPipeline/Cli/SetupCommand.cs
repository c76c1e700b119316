using System.CommandLine;
using LogPipeline.Configuration;
using LogPipeline.Elasticsearch;
using LogPipeline.Hosting;
using LogPipeline.Kibana;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Cli;

/// <summary><c>setup</c>: installs the index side (ILM policy, component and index templates, data stream or first
/// index and write alias) through the same <see cref="ElasticsearchBootstrapper"/> the worker runs at start, then
/// imports the Kibana saved objects. Prints one line per resource (created, updated or unchanged) and exits 0; any
/// failure is one line on stderr and a non-zero exit (<see cref="ExitCodes"/>).</summary>
internal static class SetupCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = "A JSON configuration file (same schema as appsettings.json); its Elasticsearch section is used.",
            HelpName = "PATH",
        };
        var esUrl = new Option<string?>("--es-url")
        {
            Description = "Elasticsearch node URL (Elasticsearch:Nodes).",
            HelpName = "URL",
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = "Encoded Elasticsearch API key (Elasticsearch:ApiKey); also used for Kibana unless --kibana-api-key is given.",
            HelpName = "KEY",
        };
        var kibanaUrl = new Option<string?>("--kibana-url")
        {
            Description = "Kibana base URL; without it only the Elasticsearch side is installed.",
            HelpName = "URL",
        };
        var kibanaApiKey = new Option<string?>("--kibana-api-key")
        {
            Description = "Encoded API key for Kibana.",
            HelpName = "KEY",
        };
        var kibanaApiKeyFile = new Option<FileInfo?>("--kibana-api-key-file")
        {
            Description = "File holding the encoded API key for Kibana (a mounted secret); read and trimmed.",
            HelpName = "PATH",
        };
        var kibanaCa = new Option<FileInfo?>("--kibana-ca")
        {
            Description = "PEM or DER file of the CA that signed Kibana's certificate (system trust when omitted).",
            HelpName = "PATH",
        };
        var kibanaSpace = new Option<string?>("--kibana-space")
        {
            Description = "Kibana space to import the saved objects into (default space when omitted).",
            HelpName = "NAME",
        };

        var command = new Command("setup",
            "Install the Elasticsearch resources (ILM policy, templates, data stream) and import the Kibana dashboards. " +
            "Any Elasticsearch setting can be given as --Elasticsearch:Key=value.");
        foreach (var option in new Option[] { config, esUrl, apiKey, kibanaUrl, kibanaApiKey, kibanaApiKeyFile, kibanaCa, kibanaSpace })
        {
            command.Add(option);
        }

        // Unmatched tokens are --Section:Key=value overrides, as for `run`.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, ct) => RunAsync(new SetupRequest(
            result.GetValue(config)?.FullName,
            result.UnmatchedTokens.ToList(),
            result.GetValue(esUrl),
            result.GetValue(apiKey),
            result.GetValue(kibanaUrl),
            result.GetValue(kibanaApiKey),
            result.GetValue(kibanaSpace),
            result.GetValue(kibanaCa)?.FullName,
            result.GetValue(kibanaApiKeyFile)?.FullName), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <summary>What the command line asked for.</summary>
    internal sealed record SetupRequest(
        string? ConfigFile,
        IReadOnlyList<string> Overrides,
        string? EsUrl,
        string? ApiKey,
        string? KibanaUrl,
        string? KibanaApiKey,
        string? KibanaSpace,
        string? KibanaCaPath = null,
        string? KibanaApiKeyFile = null);

    /// <param name="progress">Where progress goes (default: stderr when it is a terminal, nothing otherwise).</param>
    internal static async Task<int> RunAsync(SetupRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        ProgressLine? progress = null)
    {
        progress ??= ProgressLine.For(error, ProgressMode.Silent);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ElasticsearchSinkOptions elasticsearch;
        KibanaImportOptions? kibana;
        try
        {
            elasticsearch = ElasticsearchOptions(request);
            kibana = KibanaOptions(request, elasticsearch);
        }
        catch (ConfigurationException e)
        {
            return Fail(error, ExitCodes.Configuration, "configuration error: ", e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // An unreadable or empty secret file: the message names the file.
            return Fail(error, ExitCodes.Configuration, "configuration error: ", e.Message);
        }

        BootstrapReport report;
        try
        {
            output.WriteLine($"elasticsearch: {ElasticsearchClientFactory.Describe(elasticsearch)}");
            var client = ElasticsearchClientFactory.Create(elasticsearch);
            progress.Update("setup: asking Elasticsearch for its version, then installing the ILM policy, templates and " +
                (elasticsearch.Mode == ElasticsearchIndexMode.DataStream ? "data stream" : "first index") + " …");
            var done = 0;
            report = await new ElasticsearchBootstrapper(client, elasticsearch).RunAsync(cancellationToken, resource =>
            {
                // Each resource as it is done: on a slow cluster the operator sees which step it is on.
                progress.Clear();
                output.WriteLine(resource.ToString());
                progress.Update($"setup: {++done} Elasticsearch resources done …");
            }).ConfigureAwait(false);
            progress.Clear();
            output.WriteLine($"elasticsearch: {report.Protocol}; lifecycle {report.Lifecycle}");
        }
        catch (ElasticsearchBootstrapException e)
        {
            progress.Clear();
            return Fail(error, e.IsTransient && e.StatusCode is null ? ExitCodes.Unavailable : ExitCodes.Failure, "", e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException
                                      or System.Security.Cryptography.CryptographicException)
        {
            // Unreadable secret or CA files: the options name the file in the message.
            progress.Clear();
            return Fail(error, ExitCodes.Configuration, "configuration error: ", e.Message);
        }

        IReadOnlyList<KibanaObjectResult> imported = [];

        if (kibana is not null)
        {
            try
            {
                progress.Update($"setup: importing the Kibana saved objects into {kibana.Url} …");
                using var http = KibanaImporter.CreateHttpClient(request.KibanaCaPath, TimeSpan.FromSeconds(60));
                imported = await new KibanaImporter(http, kibana).ImportAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                progress.Clear();
                foreach (var result in imported)
                {
                    output.WriteLine(result.ToString());
                }
            }
            catch (KibanaImportException e)
            {
                progress.Clear();
                return Fail(error, e.Unavailable ? ExitCodes.Unavailable : ExitCodes.Failure, "", e.Message);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                progress.Clear();
                return Fail(error, ExitCodes.Configuration, "configuration error: ", $"--kibana-ca '{request.KibanaCaPath}' is not a PEM or DER certificate: {e.Message}");
            }
        }
        else
        {
            output.WriteLine("kibana: skipped (no --kibana-url)");
        }

        WriteSummary(output, report, kibana is null ? null : imported, clock.Elapsed);
        return ExitCodes.Ok;
    }

    /// <summary>What setup changed, by side, then the one line scripts read.</summary>
    private static void WriteSummary(TextWriter output, BootstrapReport report, IReadOnlyList<KibanaObjectResult>? kibana, TimeSpan elapsed)
    {
        output.WriteLine();
        SummaryTable.Section(output, "setup");
        SummaryTable.Row(output, "Elasticsearch resources created", report.Count(BootstrapOutcome.Created));
        SummaryTable.Row(output, "Elasticsearch resources updated", report.Count(BootstrapOutcome.Updated));
        SummaryTable.Row(output, "Elasticsearch resources unchanged", report.Count(BootstrapOutcome.Unchanged));
        if (kibana is not null)
        {
            SummaryTable.Row(output, "Kibana saved objects created", kibana.Count(r => r.Outcome == KibanaObjectOutcome.Created));
            SummaryTable.Row(output, "Kibana saved objects updated", kibana.Count(r => r.Outcome == KibanaObjectOutcome.Updated));
        }

        SummaryTable.Row(output, "time", elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), "s");
        var created = report.Count(BootstrapOutcome.Created) + (kibana?.Count(r => r.Outcome == KibanaObjectOutcome.Created) ?? 0);
        var updated = report.Count(BootstrapOutcome.Updated) + (kibana?.Count(r => r.Outcome == KibanaObjectOutcome.Updated) ?? 0);
        output.WriteLine($"setup done: {created} created, {updated} updated, {report.Count(BootstrapOutcome.Unchanged)} unchanged");
    }

    /// <summary>The Elasticsearch section from every configuration source (as <c>run</c> reads it), with
    /// <c>--es-url</c> and <c>--api-key</c> replacing the configured nodes and credentials, checked with the worker's
    /// own rules for that section.</summary>
    private static ElasticsearchSinkOptions ElasticsearchOptions(SetupRequest request)
    {
        var configuration = PipelineConfiguration.Build(request.ConfigFile, request.Overrides);
        var section = ConfigurationSchema.Sections.Single(s => s.Path == ElasticsearchSinkOptions.SectionName);
        var configSection = configuration.GetSection(section.Path);
        var problems = new List<ConfigurationProblem>();
        ConfigurationShapeChecker.Check(configSection, section.OptionsType, problems);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        var options = new ElasticsearchSinkOptions();
        configSection.Bind(options);
        if (request.EsUrl is not null)
        {
            // Replaces every configured node (and a Cloud ID): setup talks to the cluster it was pointed at.
            options.Nodes = [request.EsUrl];
            options.CloudId = null;
        }

        if (request.ApiKey is not null)
        {
            options.ApiKey = request.ApiKey;
            options.ApiKeyFile = null;
            options.Username = null;
            options.Password = null;
            options.PasswordFile = null;
        }

        var invalid = options.Validate();
        if (invalid.Count > 0)
        {
            throw new ConfigurationException(invalid.Select(m => new ConfigurationProblem(section.Path, m)).ToList());
        }

        return options;
    }

    private static KibanaImportOptions? KibanaOptions(SetupRequest request, ElasticsearchSinkOptions elasticsearch)
    {
        if (string.IsNullOrEmpty(request.KibanaUrl))
        {
            return null;
        }

        if (!Uri.TryCreate(request.KibanaUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ConfigurationException($"--kibana-url = '{request.KibanaUrl}' is not allowed: expected an http:// or https:// URL.");
        }

        if (request.KibanaCaPath is not null && !File.Exists(request.KibanaCaPath))
        {
            throw new ConfigurationException($"--kibana-ca = '{request.KibanaCaPath}' is not allowed: the file does not exist.");
        }

        string? apiKey = request.KibanaApiKey;
        if (apiKey is null && request.KibanaApiKeyFile is not null)
        {
            apiKey = File.Exists(request.KibanaApiKeyFile)
                ? File.ReadAllText(request.KibanaApiKeyFile).Trim()
                : throw new ConfigurationException($"--kibana-api-key-file = '{request.KibanaApiKeyFile}' is not allowed: the file does not exist.");
            if (apiKey.Length == 0)
            {
                throw new ConfigurationException($"--kibana-api-key-file = '{request.KibanaApiKeyFile}' is not allowed: the file is empty.");
            }
        }

        // Without a Kibana key, Kibana gets the Elasticsearch key (Kibana accepts Elasticsearch API keys), as long as
        // it has Kibana privileges.
        apiKey ??= request.ApiKey ?? ElasticsearchClientFactory.Secret(elasticsearch.ApiKey, elasticsearch.ApiKeyFile);

        return new KibanaImportOptions
        {
            Url = url,
            ApiKey = apiKey,
            Space = request.KibanaSpace,
        };
    }

    private static int Fail(TextWriter error, int exitCode, string kind, string message)
    {
        foreach (var line in message.Split(Environment.NewLine))
        {
            error.WriteLine("logpipeline setup: " + kind + line);
        }

        return exitCode;
    }
}
