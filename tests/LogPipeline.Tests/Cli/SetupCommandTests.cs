using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LogPipeline.Cli;
using LogPipeline.Elasticsearch;
using LogPipeline.Hosting;
using LogPipeline.Kibana;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Tests.Kibana;
using LogPipeline.Tests.Tls;

namespace LogPipeline.Tests.Cli;

public sealed class SetupCommandTests
{
    private sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public string[] OutputLines => Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task<Outcome> SetupAsync(params string[] args)
    {
        var root = new RootCommand { SetupCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(["setup", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new(exit, output.ToString(), error.ToString());
    }

    private static int EmbeddedObjectCount() =>
        Encoding.UTF8.GetString(KibanaImporter.LoadEmbeddedObjects()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public async Task Setup_installs_the_index_resources_and_imports_the_dashboards()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        await using var kibana = await FakeKibanaServer.StartAsync();

        var run = await SetupAsync("--es-url", es.Url.ToString(), "--kibana-url", kibana.Url.ToString());

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        Assert.Empty(run.Error);
        Assert.NotNull(es.IlmPolicy(IndexTemplateSet.PolicyName("default")));
        Assert.NotNull(es.ComponentTemplate(IndexTemplateSet.MappingsComponentName));
        Assert.NotNull(es.IndexTemplate(IndexTemplateSet.DataStreamTemplateName));
        Assert.Contains("smm-logs-default", es.DataStreamNames());
        Assert.Equal(EmbeddedObjectCount(), kibana.Objects.Count);
        Assert.Contains(run.OutputLines, l => l.StartsWith("kibana dashboard [", StringComparison.Ordinal) && l.EndsWith(": created", StringComparison.Ordinal));
        Assert.Equal($"setup done: {6 + EmbeddedObjectCount()} created, 0 updated, 0 unchanged", run.OutputLines[^1]);
    }

    [Fact]
    public async Task Setup_reports_exactly_what_the_workers_bootstrapper_reports()
    {
        await using var viaSetup = await ElasticsearchTestServer.StartAsync();
        await using var viaWorker = await ElasticsearchTestServer.StartAsync();
        var options = new ElasticsearchSinkOptions { Nodes = [viaWorker.Url.ToString()] };
        var report = await new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(CancellationToken.None);

        var run = await SetupAsync("--es-url", viaSetup.Url.ToString());

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(report.Resources.Select(r => r.ToString()), run.OutputLines.Skip(1).Take(report.Resources.Count));
        Assert.Equal(viaWorker.IndexTemplate(IndexTemplateSet.DataStreamTemplateName)!.ToJsonString(),
            viaSetup.IndexTemplate(IndexTemplateSet.DataStreamTemplateName)!.ToJsonString());
        Assert.Contains("kibana: skipped (no --kibana-url)", run.OutputLines);
    }

    [Fact]
    public async Task A_second_setup_leaves_the_index_resources_alone_and_updates_the_kibana_objects()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        await using var kibana = await FakeKibanaServer.StartAsync();
        string[] args = ["--es-url", es.Url.ToString(), "--kibana-url", kibana.Url.ToString()];
        await SetupAsync(args);

        var again = await SetupAsync(args);

        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Equal($"setup done: 0 created, {EmbeddedObjectCount()} updated, 6 unchanged", again.OutputLines[^1]);
        Assert.Equal(EmbeddedObjectCount(), kibana.Objects.Count);
        var summary = again.OutputLines[^8..^1];
        Assert.Matches(@"^  ── setup ─+$", summary[0]);
        Assert.Matches(@"^  Elasticsearch resources created +0$", summary[1]);
        Assert.Matches(@"^  Elasticsearch resources updated +0$", summary[2]);
        Assert.Matches(@"^  Elasticsearch resources unchanged +6$", summary[3]);
        Assert.Matches(@"^  Kibana saved objects created +0$", summary[4]);
        Assert.Matches($@"^  Kibana saved objects updated +{EmbeddedObjectCount()}$", summary[5]);
        Assert.Matches(@"^  time +[0-9]+\.[0-9] s$", summary[6]);
    }

    [Fact]
    public async Task On_a_terminal_setup_shows_each_step_while_it_works_and_clears_it_before_the_summary()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        var output = new StringWriter();
        var terminal = new StringWriter();

        var exit = await SetupCommand.RunAsync(new SetupCommand.SetupRequest(null, [], es.Url.ToString(), null, null, null, null),
            output, new StringWriter(), CancellationToken.None, new ProgressLine(terminal, ProgressMode.Interactive));

        Assert.Equal(ExitCodes.Ok, exit);
        var steps = terminal.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(t => t.TrimEnd()).Where(t => t.Length > 0).ToList();
        Assert.Equal("setup: asking Elasticsearch for its version, then installing the ILM policy, templates and data stream …", steps[0]);
        Assert.Equal(Enumerable.Range(1, 6).Select(n => $"setup: {n} Elasticsearch resources done …"), steps.Skip(1));
        Assert.EndsWith("\r", terminal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("setup done: 6 created, 0 updated, 0 unchanged", output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    [Fact]
    public async Task The_command_line_url_and_key_replace_the_configured_nodes_and_credentials()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        var config = Path.GetTempFileName();
        try
        {
            File.WriteAllText(config, """
                { "Elasticsearch": { "Nodes": [ "http://127.0.0.1:1", "http://127.0.0.1:2" ], "Username": "elastic",
                                     "Password": "changeme", "Namespace": "prod" } }
                """);

            var run = await SetupAsync("--config", config, "--es-url", es.Url.ToString(), "--api-key", "ZXM6a2V5");

            Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
            Assert.StartsWith($"elasticsearch: nodes={es.Url} auth=api key", run.OutputLines[0]);
            Assert.Contains("smm-logs-prod", es.DataStreamNames());
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task The_api_key_goes_to_Kibana_unless_a_Kibana_key_is_given()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        await using var kibana = await FakeKibanaServer.StartAsync();

        await SetupAsync("--es-url", es.Url.ToString(), "--api-key", "ZXM6a2V5", "--kibana-url", kibana.Url.ToString());
        await SetupAsync("--es-url", es.Url.ToString(), "--api-key", "ZXM6a2V5", "--kibana-url", kibana.Url.ToString(),
            "--kibana-api-key", "a2liOmtleQ==", "--kibana-space", "ops");

        var keyFile = Path.GetTempFileName();
        try
        {
            // A mounted secret ends with a newline that is not part of the key.
            File.WriteAllText(keyFile, "ZmlsZTprZXk=\n");
            await SetupAsync("--es-url", es.Url.ToString(), "--kibana-url", kibana.Url.ToString(), "--kibana-api-key-file", keyFile);
        }
        finally
        {
            File.Delete(keyFile);
        }

        var requests = kibana.Requests.ToList();
        Assert.Equal("ApiKey ZXM6a2V5", requests[0].Authorization);
        Assert.Equal("ApiKey a2liOmtleQ==", requests[1].Authorization);
        Assert.Equal("/s/ops/api/saved_objects/_import", requests[1].Path);
        Assert.Equal("ApiKey ZmlsZTprZXk=", requests[2].Authorization);
    }

    [Fact]
    public async Task A_Kibana_behind_a_private_CA_is_imported_into_with_kibana_ca_and_a_missing_CA_file_is_exit_code_2()
    {
        using var certificates = new TestCertificates();
        await using var es = await ElasticsearchTestServer.StartAsync();
        await using var kibana = await FakeKibanaServer.StartAsync(certificates.Server);
        var directory = Directory.CreateTempSubdirectory("logpipeline-setup-ca-").FullName;
        try
        {
            var ca = certificates.WriteCaPem(directory);

            var run = await SetupAsync("--es-url", es.Url.ToString(), "--kibana-url", kibana.Url.ToString(), "--kibana-ca", ca);
            var missing = await SetupAsync("--es-url", es.Url.ToString(), "--kibana-url", kibana.Url.ToString(),
                "--kibana-ca", Path.Combine(directory, "absent.crt"));

            Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
            Assert.Equal(EmbeddedObjectCount(), kibana.Objects.Count);
            Assert.Equal(ExitCodes.Configuration, missing.ExitCode);
            Assert.Contains("absent.crt' is not allowed: the file does not exist.", missing.Error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_unreachable_Elasticsearch_is_one_line_on_stderr_and_exit_code_3()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await SetupAsync("--es-url", $"http://127.0.0.1:{port}");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        var line = Assert.Single(run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("logpipeline setup: Elasticsearch bootstrap failed for ", line);
    }

    [Fact]
    public async Task A_Kibana_that_refuses_objects_fails_with_exit_code_1_after_the_index_side_is_done()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        await using var kibana = await FakeKibanaServer.StartAsync();
        kibana.UnsupportedTypes.Add("map");

        var run = await SetupAsync("--es-url", es.Url.ToString(), "--kibana-url", kibana.Url.ToString());

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("smm-logs-default", es.DataStreamNames());
        var line = Assert.Single(run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("logpipeline setup: Kibana refused 1 saved object(s): map [logpipeline-model-router-geo] unsupported_type", line);
    }

    [Theory]
    [InlineData("--kibana-url", "ftp://kibana.example", "--kibana-url = 'ftp://kibana.example' is not allowed")]
    [InlineData("--Elasticsearch:Namespace=Not Valid", "", "Elasticsearch:Namespace")]
    [InlineData("--Elasticsearch:Namespce=x", "", "Elasticsearch:Namespce")]
    public async Task Bad_options_are_configuration_errors_naming_the_key_with_exit_code_2(string option, string value, string expected)
    {
        await using var es = await ElasticsearchTestServer.StartAsync();
        string[] args = value.Length > 0 ? [option, value] : [option];

        var run = await SetupAsync(["--es-url", es.Url.ToString(), .. args]);

        Assert.Equal(ExitCodes.Configuration, run.ExitCode);
        Assert.StartsWith("logpipeline setup: configuration error: ", run.Error);
        Assert.Contains(expected, run.Error);
        Assert.Null(es.IndexTemplate(IndexTemplateSet.DataStreamTemplateName));
    }
}
