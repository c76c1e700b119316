using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using LogPipeline.Kibana;

using LogPipeline.Tests.Tls;

namespace LogPipeline.Tests.Kibana;

public sealed class KibanaImporterTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static int EmbeddedObjectCount() =>
        Encoding.UTF8.GetString(KibanaImporter.LoadEmbeddedObjects()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public async Task The_first_import_creates_every_embedded_object_and_the_second_updates_them()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url });

        var first = await importer.ImportAsync();
        var second = await importer.ImportAsync();

        var expected = EmbeddedObjectCount();
        Assert.Equal(expected, first.Count);
        Assert.All(first, r => Assert.Equal(KibanaObjectOutcome.Created, r.Outcome));
        Assert.Equal(expected, second.Count);
        Assert.All(second, r => Assert.Equal(KibanaObjectOutcome.Updated, r.Outcome));
        Assert.Equal(expected, kibana.Objects.Count);
        Assert.Contains(first, r => r is { Type: "dashboard", Title: "Model Router Log Analysis" });
        Assert.Contains(first, r => r is { Type: "dashboard", Title: "Canary Deployment Logs" });
        Assert.Contains(first, r => r is { Type: "dashboard", Title: "MCP Workflow Logs" });
        Assert.Contains(first, r => r is { Type: "index-pattern", Title: "smm-logs-*" });
    }

    [Theory]
    [InlineData("8.9.0")]
    [InlineData("9.0.0")]
    public async Task Every_embedded_object_imports_into_a_kibana_that_no_longer_migrates_7_x_objects(string kibanaVersion)
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        // 8.9 still migrates 7.x objects; 9.0 does not. The file must import into both.
        kibana.OldestMigrationVersion = Version.Parse(kibanaVersion).Major >= 9 ? new Version(8, 0, 0) : new Version(7, 0, 0);
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url });

        var results = await importer.ImportAsync();

        Assert.Equal(EmbeddedObjectCount(), results.Count);
        Assert.All(results, r => Assert.Equal(KibanaObjectOutcome.Created, r.Outcome));
    }

    [Fact]
    public async Task A_kibana_9_refuses_an_object_stamped_with_a_7_x_migration_version()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        kibana.OldestMigrationVersion = new Version(8, 0, 0);
        var stale = "{\"id\":\"old\",\"type\":\"search\",\"typeMigrationVersion\":\"7.9.3\",\"references\":[],\"attributes\":{\"title\":\"old\"}}\n";
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url });

        var e = await Assert.ThrowsAsync<KibanaImportException>(() => importer.ImportAsync(System.Text.Encoding.UTF8.GetBytes(stale)));

        Assert.Contains("7.9.3", e.Message, StringComparison.Ordinal);
        Assert.Empty(kibana.Objects);
    }

    [Fact]
    public async Task The_import_overwrites_sends_kbn_xsrf_and_authenticates_with_the_api_key()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        kibana.RequiredApiKey = "c2VjcmV0OmtleQ==";
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url, ApiKey = "c2VjcmV0OmtleQ==" });

        await importer.ImportAsync();

        var request = Assert.Single(kibana.Requests);
        Assert.Equal("/api/saved_objects/_import", request.Path);
        Assert.Equal("?overwrite=true", request.Query);
        Assert.False(string.IsNullOrEmpty(request.Xsrf));
        Assert.Equal("ApiKey c2VjcmV0OmtleQ==", request.Authorization);
        Assert.Equal(EmbeddedObjectCount(), request.Lines);
    }

    [Fact]
    public async Task A_space_and_a_base_path_are_part_of_the_import_url()
    {
        var options = new KibanaImportOptions { Url = new Uri("https://example.test/kibana/"), Space = "observability" };

        Assert.Equal("https://example.test/kibana/s/observability/api/saved_objects/_import?overwrite=true", options.ImportUri.ToString());

        await using var kibana = await FakeKibanaServer.StartAsync();
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url, Space = "ops" });
        await importer.ImportAsync();
        Assert.Equal("/s/ops/api/saved_objects/_import", Assert.Single(kibana.Requests).Path);
        Assert.All(kibana.Objects.Keys, k => Assert.StartsWith("ops:", k));
    }

    [Fact]
    public async Task Objects_Kibana_refuses_fail_the_import_with_one_line_naming_them()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        kibana.UnsupportedTypes.Add("map");
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url });

        var e = await Assert.ThrowsAsync<KibanaImportException>(() => importer.ImportAsync());

        Assert.False(e.Unavailable);
        Assert.Contains("map [logpipeline-model-router-geo] unsupported_type", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task Missing_references_are_reported_by_type_and_id()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        var lone = new JsonObject
        {
            ["type"] = "search", ["id"] = "orphan", ["attributes"] = new JsonObject { ["title"] = "Orphan" },
            ["references"] = new JsonArray(new JsonObject { ["type"] = "index-pattern", ["id"] = "nowhere", ["name"] = "x" }),
        };
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url });

        var e = await Assert.ThrowsAsync<KibanaImportException>(() => importer.ImportAsync(Encoding.UTF8.GetBytes(lone.ToJsonString() + "\n")));

        Assert.Contains("search [orphan] missing_references: missing index-pattern nowhere", e.Message);
    }

    [Fact]
    public async Task A_wrong_api_key_fails_with_Kibanas_reason_and_is_not_retried()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        kibana.RequiredApiKey = "right";
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url, ApiKey = "wrong", RetryDelay = TimeSpan.Zero });

        var e = await Assert.ThrowsAsync<KibanaImportException>(() => importer.ImportAsync());

        Assert.StartsWith("Kibana refused the saved-objects import (401 Unauthorized): [security_exception]", e.Message);
        Assert.Single(kibana.Requests);
    }

    [Fact]
    public async Task A_Kibana_that_is_still_starting_is_retried_until_it_answers()
    {
        await using var kibana = await FakeKibanaServer.StartAsync();
        kibana.AnswerUnavailable(2);
        var importer = new KibanaImporter(Http, new KibanaImportOptions { Url = kibana.Url, RetryDelay = TimeSpan.FromMilliseconds(10) });

        var results = await importer.ImportAsync();

        Assert.Equal(EmbeddedObjectCount(), results.Count);
        Assert.Equal(3, kibana.Requests.Count);
    }

    [Fact]
    public async Task An_unreachable_Kibana_fails_as_unavailable_after_the_configured_attempts()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var importer = new KibanaImporter(Http, new KibanaImportOptions
        {
            Url = new Uri($"http://127.0.0.1:{port}"), Attempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10),
        });

        var e = await Assert.ThrowsAsync<KibanaImportException>(() => importer.ImportAsync());

        Assert.True(e.Unavailable);
        Assert.StartsWith($"Kibana at http://127.0.0.1:{port}/api/saved_objects/_import is unreachable:", e.Message);
    }

    [Fact]
    public async Task A_Kibana_with_a_private_CA_is_trusted_with_the_CA_file_and_refused_without_it()
    {
        using var certificates = new TestCertificates();
        await using var kibana = await FakeKibanaServer.StartAsync(certificates.Server);
        var directory = Directory.CreateTempSubdirectory("logpipeline-kibana-ca-").FullName;
        try
        {
            var options = new KibanaImportOptions { Url = kibana.Url, Attempts = 1 };
            using var trusting = KibanaImporter.CreateHttpClient(certificates.WriteCaPem(directory), TimeSpan.FromSeconds(10));
            using var systemTrust = KibanaImporter.CreateHttpClient(null, TimeSpan.FromSeconds(10));

            var results = await new KibanaImporter(trusting, options).ImportAsync();
            var e = await Assert.ThrowsAsync<KibanaImportException>(() => new KibanaImporter(systemTrust, options).ImportAsync());

            Assert.StartsWith("https://", kibana.Url.ToString());
            Assert.Equal(EmbeddedObjectCount(), results.Count);
            Assert.StartsWith($"TLS with Kibana at {kibana.Url}api/saved_objects/_import failed: ", e.Message);
            Assert.False(e.Unavailable);
            Assert.Single(kibana.Requests);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_embedded_objects_are_the_file_in_index_templates()
    {
        var onDisk = File.ReadAllBytes(Path.Combine(Deployment.RepositoryFiles.Root, "index-templates", "kibana", "smm-logs.ndjson"));

        Assert.Equal(onDisk, KibanaImporter.LoadEmbeddedObjects());
    }
}
