using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogPipeline.Cli;
using LogPipeline.Demo.Kafka;
using LogPipeline.Hosting;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Tests.Diagnostics;
using LogPipeline.Tests.Kafka;

namespace LogPipeline.Tests.Cli;

/// <summary><c>validate</c> against the embedded Kafka cluster and the Elasticsearch test server: all green, then one
/// broken thing at a time, each failing on its own line.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ValidateCommandTests
{
    private const string Topic = "smm-logs-raw";

    private sealed record Outcome(int ExitCode, string Output)
    {
        public string[] Lines => Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        public string[] Failures => [.. Lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal))];
    }

    private static async Task<Outcome> ValidateAsync(string bootstrapServers, Uri esUrl, params string[] args)
    {
        var root = new RootCommand { ValidateCommand.Create() };
        var output = new StringWriter();
        var exit = await root.Parse(
        [
            "validate", "--bootstrap-servers", bootstrapServers, "--topic", Topic, "--es-url", esUrl.ToString(), "--timeout", "00:00:03",
            .. args,
        ]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return new(exit, output.ToString());
    }

    private static EmbeddedKafkaCluster StartCluster(bool withDeadLetterTopic = true)
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 6);
        if (withDeadLetterTopic)
        {
            cluster.CreateTopic(Topic + ".dlq", 2);
        }

        return cluster;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_working_configuration_passes_every_check_and_names_partitions_version_and_privileges()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        using var geo = new GeoIpTestDatabase(DateTimeOffset.UtcNow);

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url, "--geoip-db", geo.Path);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output);
        Assert.Empty(run.Failures);
        Assert.Contains("ok   configuration: every key and value is allowed", run.Lines);
        Assert.Contains("ok   enrichment: GeoIP databases opened, masking and category rules built", run.Lines);
        Assert.Contains($"ok   kafka topic {Topic}: 6 partitions", run.Lines);
        Assert.Contains($"ok   kafka dead-letter topic {Topic}.dlq: 2 partitions", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith("ok   elasticsearch: ", StringComparison.Ordinal)
            && l.EndsWith("version 9.1.0, REST API compatible-with=9", StringComparison.Ordinal));
        Assert.Contains("ok   elasticsearch privilege create_doc on smm-logs-default*: granted", run.Lines);
        Assert.Contains("ok   elasticsearch cluster privilege manage_ilm (Elasticsearch:Bootstrap): granted", run.Lines);
        Assert.Contains("ok   elasticsearch cluster privilege manage_index_templates (Elasticsearch:Bootstrap): granted", run.Lines);
        var checks = run.Lines.Count(l => l.StartsWith("ok   ", StringComparison.Ordinal));
        Assert.Equal($"validate: {checks} checks passed", run.Lines[^1]);
        Assert.Contains(run.Lines, l => Regex.IsMatch(l, @"^  ── validate ─+$"));
        Assert.Contains(run.Lines, l => Regex.IsMatch(l, @"^  kafka checks passed\s+3$"));
        Assert.Contains(run.Lines, l => Regex.IsMatch(l, @"^  elasticsearch checks passed\s+4$"));
        Assert.Contains(run.Lines, l => Regex.IsMatch(l, @"^  time\s+[0-9.]+ s$"));
        Assert.Empty(es.DataStreamNames());
    }

    [Fact]
    public async Task Json_output_lists_every_check_with_its_outcome()
    {
        using var cluster = StartCluster(withDeadLetterTopic: false);
        await using var es = await ElasticsearchTestServer.StartAsync();

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url, "--json");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var document = JsonNode.Parse(run.Output)!;
        Assert.False(document["ok"]!.GetValue<bool>());
        Assert.Equal(ExitCodes.Failure, document["exitCode"]!.GetValue<int>());
        var failed = document["checks"]!.AsArray().Where(c => !c!["ok"]!.GetValue<bool>()).ToList();
        var only = Assert.Single(failed);
        Assert.Equal($"kafka dead-letter topic {Topic}.dlq", only!["check"]!.GetValue<string>());
        Assert.Equal("does not exist", only["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_key_fails_the_configuration_check_and_asks_no_cluster()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();

        var run = await ValidateAsync($"127.0.0.1:{ClosedPort()}", es.Url, "--Kafka:Source:Topicz=x");

        Assert.Equal(ExitCodes.Configuration, run.ExitCode);
        var failure = Assert.Single(run.Failures);
        Assert.StartsWith("FAIL configuration: ", failure, StringComparison.Ordinal);
        Assert.Contains("Topicz", failure, StringComparison.Ordinal);
        Assert.Equal(0, es.Requests);
    }

    [Fact]
    public async Task A_missing_geoip_database_fails_with_a_line_naming_the_path()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url, "--geoip-db", "/nonexistent/city.mmdb");

        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        var failure = Assert.Single(run.Failures);
        Assert.Contains("/nonexistent/city.mmdb", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_kafka_fails_the_kafka_check_and_still_checks_elasticsearch()
    {
        await using var es = await ElasticsearchTestServer.StartAsync();

        var run = await ValidateAsync($"127.0.0.1:{ClosedPort()}", es.Url);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var failure = Assert.Single(run.Failures);
        Assert.StartsWith("FAIL kafka: 127.0.0.1:", failure, StringComparison.Ordinal);
        Assert.Contains(run.Lines, l => l.StartsWith("ok   elasticsearch: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_dead_letter_topic_fails_its_own_line()
    {
        using var cluster = StartCluster(withDeadLetterTopic: false);
        await using var es = await ElasticsearchTestServer.StartAsync();

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([$"FAIL kafka dead-letter topic {Topic}.dlq: does not exist"], run.Failures);
        Assert.Contains($"ok   kafka topic {Topic}: 6 partitions", run.Lines);
        Assert.Contains(run.Lines, l => Regex.IsMatch(l, @"^  kafka checks passed\s+2$"));
        Assert.Contains(run.Lines, l => Regex.IsMatch(l, @"^  kafka checks FAILED\s+1$"));
        Assert.Equal("validate: 1 of 9 checks failed", run.Lines[^1]);
    }

    [Fact]
    public async Task Unreachable_elasticsearch_fails_the_elasticsearch_check()
    {
        using var cluster = StartCluster();
        var es = await ElasticsearchTestServer.StartAsync();
        var url = es.Url;
        await es.DisposeAsync();

        var run = await ValidateAsync(cluster.BootstrapServers, url);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var failure = Assert.Single(run.Failures);
        Assert.StartsWith("FAIL elasticsearch: nodes=", failure, StringComparison.Ordinal);
        Assert.Contains($"ok   kafka topic {Topic}: 6 partitions", run.Lines);
    }

    [Theory]
    [InlineData("create_doc", "FAIL elasticsearch privilege create_doc on smm-logs-default*: not granted to these credentials")]
    [InlineData("manage_ilm", "FAIL elasticsearch cluster privilege manage_ilm (Elasticsearch:Bootstrap): not granted to these credentials")]
    public async Task A_denied_privilege_fails_its_own_line(string privilege, string expected)
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        es.Faults.DenyPrivilege(privilege);

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal([expected], run.Failures);
    }

    [Theory]
    [InlineData("8.10.4", "Elasticsearch 8.10.4 at {0} is not supported: LogPipeline needs 8.11 or later (8.x from 8.11, 9.x).")]
    [InlineData("7.17.25", "Elasticsearch 7.17.25 at {0} is not supported: LogPipeline needs 8.11 or later (8.x from 8.11, 9.x).")]
    public async Task A_version_the_worker_refuses_fails_the_elasticsearch_check_with_the_workers_own_reason(string version, string reason)
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions { Version = new ElasticsearchTestServerVersion(version) });

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var failure = Assert.Single(run.Failures);
        Assert.StartsWith("FAIL elasticsearch: nodes=", failure, StringComparison.Ordinal);
        Assert.EndsWith(": " + string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, es.Url.GetLeftPart(UriPartial.Authority)), failure, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Lines, l => l.Contains("privilege", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_is_not_Elasticsearch_fails_the_elasticsearch_check()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions { ProductHeader = false });

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url);

        var failure = Assert.Single(run.Failures);
        Assert.Contains("is not Elasticsearch", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_8_x_cluster_is_asked_in_its_own_REST_API_major_as_the_worker_asks_it()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions { Version = ElasticsearchTestServerVersion.V8 });

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output);
        Assert.Contains(run.Lines, l => l.StartsWith("ok   elasticsearch: ", StringComparison.Ordinal)
            && l.EndsWith("version 8.15.3, REST API compatible-with=8", StringComparison.Ordinal));
        Assert.Equal(0, es.RefusedMediaTypes);
        Assert.False(es.CompatibleWithSeen.ContainsKey(9));
    }

    [Fact]
    public async Task Without_bootstrap_the_cluster_privileges_are_not_asked_for()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        es.Faults.DenyPrivilege("manage_ilm");

        var run = await ValidateAsync(cluster.BootstrapServers, es.Url, "--Elasticsearch:Bootstrap=false");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.DoesNotContain(run.Lines, l => l.Contains("manage_ilm", StringComparison.Ordinal));
    }
}
