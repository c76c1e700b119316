using System.Collections;
using LogPipeline.Configuration;
using LogPipeline.Demo;
using LogPipeline.Hosting;
using LogPipeline.Testing.Elasticsearch;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Tests.Demo;

/// <summary>The <c>demo</c> command's runner, small: its summary must account for every produced record.</summary>
public sealed class DemoRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lp-demo-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Func<IReadOnlyDictionary<string, string?>, IConfigurationRoot> Configuration(params string[] overrides) => defaults =>
    {
        var configuration = PipelineConfiguration.Build(
            overrides: overrides, environment: new Hashtable(), baseDirectory: AppContext.BaseDirectory, commandDefaults: defaults);
        var problems = ConfigurationSchema.Validate(configuration);
        return problems.Count == 0 ? configuration : throw new ConfigurationException(problems);
    };

    [Fact]
    public async Task The_demo_writes_bulk_files_and_proves_every_record_is_indexed_or_dead_lettered()
    {
        var output = new StringWriter();
        var settings = new DemoSettings(Count: 3000, Partitions: 4, PoisonRate: 0.02, Seed: 7, Topic: "smm-logs-raw",
            EsUrl: null, GeoIpDatabase: null, OutputDirectory: _directory);

        var exitCode = await new DemoRunner(settings, output).RunAsync(Configuration("--Sink:File:FlushInterval=00:00:00.050"));

        var text = output.ToString();
        Assert.True(exitCode == ExitCodes.Ok, text);
        Assert.Contains("✔ every produced record is accounted for", text);
        Assert.Contains("GeoIP: DEMO DATA", text);
        Assert.Contains("── one enriched document", text);
        var lines = Directory.GetFiles(_directory, "*.ndjson").SelectMany(File.ReadAllLines).ToList();
        Assert.True(lines.Count is > 2 * 2800 and < 2 * 3000, $"{lines.Count} lines");
    }

    [Fact]
    public async Task A_count_the_embedded_broker_cannot_hold_fails_with_one_line_that_says_how_many_partitions_to_use()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        // One partition keeps about 5 MiB; 60,000 generated records are well past that even compressed.
        var settings = new DemoSettings(Count: 60_000, Partitions: 1, PoisonRate: 0, Seed: 9, Topic: "smm-logs-raw",
            EsUrl: null, GeoIpDatabase: null, OutputDirectory: _directory);

        var exitCode = await new DemoRunner(settings, output, errors).RunAsync(Configuration());

        Assert.Equal(ExitCodes.Failure, exitCode);
        var line = Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"keeps about 5 MiB per partition and dropped [0-9,]+ of the 60,000 records produced; run with --partitions [2-9] ", line);
        Assert.Empty(Directory.GetFiles(_directory, "*.ndjson"));
    }

    [Fact]
    public async Task With_an_elasticsearch_url_the_demo_indexes_into_that_cluster()
    {
        await using var elasticsearch = await ElasticsearchTestServer.StartAsync();
        var output = new StringWriter();
        var settings = new DemoSettings(Count: 2000, Partitions: 2, PoisonRate: 0.02, Seed: 8, Topic: "smm-logs-raw",
            EsUrl: elasticsearch.Url.ToString(), GeoIpDatabase: null, OutputDirectory: _directory);

        var exitCode = await new DemoRunner(settings, output).RunAsync(
            Configuration($"--Elasticsearch:Nodes:0={elasticsearch.Url}", "--Elasticsearch:Bulk:FlushInterval=00:00:00.050"));

        var text = output.ToString();
        Assert.True(exitCode == ExitCodes.Ok, text);
        Assert.Contains("indexed (acknowledged by Elasticsearch)", text);
        var documents = elasticsearch.CountDocuments("smm-logs-default");
        Assert.InRange(documents, 1900, 2000);
        Assert.Contains($"{documents:N0} indexed", text);
        Assert.Empty(Directory.GetFiles(_directory, "*.ndjson"));
    }
}
