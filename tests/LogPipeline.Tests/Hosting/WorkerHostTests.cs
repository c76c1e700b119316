using System.Collections;
using System.Net;
using System.Text;
using Enrichers.Geo;
using LogPipeline.Configuration;
using LogPipeline.Demo.Geo;
using LogPipeline.Demo.Kafka;
using LogPipeline.Hosting;
using LogPipeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipeline.Tests.Hosting;

/// <summary>The worker host in this process (embedded Kafka, file sink, demo GeoIP databases): endpoints,
/// metrics, and records through to the files.</summary>
public sealed class WorkerHostTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lp-host-").FullName;
    private EmbeddedKafkaCluster _kafka = null!;

    public Task InitializeAsync()
    {
        _kafka = EmbeddedKafkaCluster.Start(brokers: 1);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _kafka.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private WebApplication BuildHost(string topic)
    {
        var city = Path.Combine(_directory, "city.mmdb");
        var asn = Path.Combine(_directory, "asn.mmdb");
        DemoGeoDatabases.Write(city, asn);
        var configuration = PipelineConfiguration.Build(
            overrides:
            [
                $"--Kafka:Consumer:BootstrapServers={_kafka.BootstrapServers}",
                "--Kafka:Consumer:SessionTimeoutMs=6000",
                $"--Kafka:Source:Topics:0={topic}",
                "--Sink:Type=file",
                $"--Sink:File:Directory={Path.Combine(_directory, "out")}",
                "--Sink:File:FlushInterval=00:00:00.050",
                "--Http:Address=127.0.0.1:0",
                $"--Enrichment:GeoIp:CityDatabasePath={city}",
                $"--Enrichment:GeoIp:AsnDatabasePath={asn}",
            ],
            environment: new Hashtable(),
            baseDirectory: AppContext.BaseDirectory);
        Assert.Empty(ConfigurationSchema.Validate(configuration));
        return WorkerHost.Build(configuration, logToConsole: false);
    }

    [Fact]
    public async Task Probes_and_metrics_answer_and_records_reach_the_files()
    {
        var topic = "host-" + Guid.NewGuid().ToString("N")[..8];
        _kafka.CreateTopic(topic, 2);
        _kafka.CreateTopic(topic + ".dlq", 1);
        KafkaTestRecords.Produce(_kafka.BootstrapServers, topic, 2, 50, (p, i) => i == 7
            ? Encoding.UTF8.GetBytes("not json")
            : Encoding.UTF8.GetBytes($$"""{"@timestamp":"2026-11-26T12:00:00Z","service_name":"mcp-gateway","client_ip":"81.2.69.160","p":{{p}},"i":{{i}}}"""));

        var app = BuildHost(topic);
        await using (app)
        {
            await app.StartAsync();
            var baseUrl = WorkerHost.ListeningAddresses(app).Single();
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            var source = ((KafkaPipelineSource)app.Services.GetRequiredService<IPipelineSource>()).Source;
            await WaitUntil(() => source.AcknowledgedRecords >= 100);
            await WaitUntil(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK);

            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("logpipeline_records_indexed_total{sink=\"file\"} 98", metrics);
            Assert.Contains("logpipeline_records_dead_lettered_total{reason=\"invalid_json\"} 2", metrics);
            Assert.Contains("logpipeline_geoip_lookups_total{result=\"hit\"} 98", metrics);
            Assert.Contains("logpipeline_geoip_database_age_seconds{database=\"city\"}", metrics);
            Assert.Contains("logpipeline_ready 1", metrics);
            Assert.Contains("process_working_set_bytes", metrics);
            Assert.Contains("dotnet_total_memory_bytes", metrics);

            await app.StopAsync();
            Assert.Equal(ExitCodes.Ok, app.Services.GetRequiredService<WorkerOutcome>().ExitCode);
        }

        var lines = Directory.GetFiles(Path.Combine(_directory, "out"), "*.ndjson").SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(98 * 2, lines.Count);
        Assert.All(lines.Where((_, n) => n % 2 == 1), document =>
        {
            Assert.Contains("\"country_iso_code\":\"GB\"", document);
            Assert.DoesNotContain("81.2.69.160", document);
        });
    }

    [Fact]
    public async Task A_missing_geoip_database_is_a_configuration_error_naming_the_path()
    {
        var configuration = PipelineConfiguration.Build(
            overrides: ["--Kafka:Consumer:BootstrapServers=127.0.0.1:9", "--Enrichment:GeoIp:CityDatabasePath=/nonexistent/city.mmdb"],
            environment: new Hashtable(),
            baseDirectory: AppContext.BaseDirectory);
        var e = Assert.Throws<ConfigurationException>(() => WorkerHost.Build(configuration, logToConsole: false));
        Assert.Contains("/nonexistent/city.mmdb", e.Message);
        await Task.CompletedTask;
    }

    private static Task WaitUntil(Func<bool> condition) => WaitUntil(() => Task.FromResult(condition()));

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "gave up waiting (guard against hanging)");
            await Task.Delay(50);
        }
    }
}
