using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LogPipeline.Elasticsearch;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class ElasticsearchBootstrapperTests
{
    private static ElasticsearchBootstrapper Bootstrapper(ElasticsearchSinkOptions options) =>
        new(ElasticsearchClientFactory.Create(options), options);

    [Fact]
    public async Task Bootstrap_twice_and_from_two_workers_at_once_gives_the_same_resources_without_errors()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();

        await SinkScenarios.BootstrapTwiceAndConcurrentlyAsync(server.Url, "default");

        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
        Assert.NotNull(server.IlmPolicy("smm-logs"));
        Assert.NotNull(server.ComponentTemplate("smm-logs-settings"));
        Assert.NotNull(server.ComponentTemplate("smm-logs-mappings"));
        Assert.NotNull(server.IndexTemplate("smm-logs"));
    }

    [Fact]
    public async Task Eight_workers_starting_at_once_on_an_empty_cluster_all_succeed_and_create_each_resource_once()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);

        var reports = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Bootstrapper(options).RunAsync(SinkScenarios.Timeout())));

        // Templates are created with ?create=true and the data stream is created once: exactly one worker
        // creates each, the others find it. The ILM policy has no create-only mode, so several may write it.
        foreach (var kind in new[] { ManagedResourceKind.ComponentTemplate, ManagedResourceKind.IndexTemplate, ManagedResourceKind.DataStream })
        {
            foreach (var name in reports[0].Resources.Where(r => r.Kind == kind).Select(r => r.Name))
            {
                var outcomes = reports.Select(r => r.Resources.Single(x => x.Kind == kind && x.Name == name).Outcome).ToList();
                Assert.Equal(1, outcomes.Count(o => o == BootstrapOutcome.Created));
                Assert.Equal(7, outcomes.Count(o => o == BootstrapOutcome.Unchanged));
            }
        }

        Assert.DoesNotContain(reports.SelectMany(r => r.Resources), r => r.Outcome == BootstrapOutcome.Updated);
        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
    }

    [Fact]
    public async Task The_first_bootstrap_reports_every_resource_created()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);

        var report = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());

        Assert.Equal(
            ["smm-logs", "smm-logs-settings", "smm-logs-mappings", "smm-logs", "smm-logs-default"],
            report.Resources.Select(r => r.Name));
        Assert.All(report.Resources, r => Assert.Equal(BootstrapOutcome.Created, r.Outcome));
        Assert.Contains("data stream [smm-logs-default]: created", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_version_on_the_cluster_is_left_alone_and_an_older_one_is_replaced()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);
        var shipped = JsonNode.Parse(IndexTemplateSet.ReadFile("component/smm-logs-mappings.json"))!.AsObject();
        var shippedVersion = shipped["_meta"]!["version"]!.GetValue<long>();
        using var http = new HttpClient { BaseAddress = server.Url };

        var newer = (JsonObject)shipped.DeepClone();
        newer["_meta"]!["version"] = shippedVersion + 1;
        (await http.PutAsJsonAsync("/_component_template/smm-logs-mappings", newer)).EnsureSuccessStatusCode();
        var report = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());
        Assert.Equal(BootstrapOutcome.Unchanged, report["smm-logs-mappings"].Outcome);
        Assert.Equal(shippedVersion + 1, server.ComponentTemplate("smm-logs-mappings")!["_meta"]!["version"]!.GetValue<long>());

        var older = (JsonObject)shipped.DeepClone();
        older["_meta"]!["version"] = shippedVersion - 1;
        ((JsonObject)older["template"]!["mappings"]!["properties"]!).Remove("trace_root_service");
        (await http.PutAsJsonAsync("/_component_template/smm-logs-mappings", older)).EnsureSuccessStatusCode();
        report = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());
        Assert.Equal(BootstrapOutcome.Updated, report["smm-logs-mappings"].Outcome);
        Assert.Equal(shippedVersion - 1, report["smm-logs-mappings"].ClusterVersion);
        Assert.True(JsonNode.DeepEquals(shipped, server.ComponentTemplate("smm-logs-mappings")));
    }

    [Fact]
    public async Task The_worker_installs_exactly_the_files_in_index_templates()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        await Bootstrapper(SinkScenarios.Options(server.Url)).RunAsync(SinkScenarios.Timeout());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(IndexTemplateSet.ReadFile("component/smm-logs-settings.json")), server.ComponentTemplate("smm-logs-settings")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(IndexTemplateSet.ReadFile("component/smm-logs-mappings.json")), server.ComponentTemplate("smm-logs-mappings")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(IndexTemplateSet.ReadFile("index-template/smm-logs.json")), server.IndexTemplate("smm-logs")));
        Assert.Equal(
            ["component/smm-logs-mappings.json", "component/smm-logs-settings.json", "ilm/smm-logs-policy.json",
             "index-template/smm-logs-rollover-alias.json", "index-template/smm-logs.json"],
            IndexTemplateSet.EmbeddedFiles());
    }

    [Fact]
    public async Task The_retention_goes_into_the_delete_phase_and_a_changed_retention_updates_the_policy()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var env = new Dictionary<string, string?> { [ElasticsearchSinkOptions.RetentionDaysEnvironmentVariable] = "7" };
        var options = SinkScenarios.Options(server.Url, configure: o => o.RetentionDays = null);
        var days = options.ResolveRetentionDays(k => env.GetValueOrDefault(k));
        var client = ElasticsearchClientFactory.Create(options);

        await new ElasticsearchBootstrapper(client, options, IndexTemplateSet.Create(options, days)).RunAsync(SinkScenarios.Timeout());
        Assert.Equal("7d", server.IlmPolicy("smm-logs")!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());

        var report = await new ElasticsearchBootstrapper(client, options, IndexTemplateSet.Create(options, 14)).RunAsync(SinkScenarios.Timeout());
        Assert.Equal(BootstrapOutcome.Updated, report["smm-logs"].Outcome);
        Assert.Equal("14d", server.IlmPolicy("smm-logs")!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rollover_alias_mode_creates_the_first_index_with_the_write_alias_once()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, "legacy", o => o.Mode = ElasticsearchIndexMode.RolloverAlias);

        var reports = await Task.WhenAll(Bootstrapper(options).RunAsync(SinkScenarios.Timeout()), Bootstrapper(options).RunAsync(SinkScenarios.Timeout()));

        Assert.Equal(1, reports.Count(r => r["smm-logs-legacy"].Outcome == BootstrapOutcome.Created));
        Assert.Equal(new Dictionary<string, bool> { ["smm-logs-legacy-000001"] = true }, server.Alias("smm-logs-legacy"));
        var template = server.IndexTemplate("smm-logs-legacy-rollover-alias")!;
        Assert.Equal("smm-logs-legacy-*", template["index_patterns"]![0]!.GetValue<string>());
        Assert.Equal("smm-logs-legacy", template["template"]!["settings"]!["index"]!["lifecycle"]!["rollover_alias"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failure_names_the_resource_and_the_clusters_reason()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);
        using var http = new HttpClient { BaseAddress = server.Url };
        // An index named like the data stream (say, auto-created before the templates existed) blocks it.
        (await http.PutAsync("/smm-logs-default", null)).EnsureSuccessStatusCode();

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => Bootstrapper(options).RunAsync(SinkScenarios.Timeout()));

        Assert.Equal("data stream [smm-logs-default]", e.Resource);
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("conflicts with index", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task An_unreachable_cluster_is_a_transient_failure_naming_the_first_resource()
    {
        var server = await ElasticsearchTestServer.StartAsync();
        var url = server.Url;
        await server.DisposeAsync();

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => Bootstrapper(SinkScenarios.Options(url)).RunAsync(SinkScenarios.Timeout()));

        Assert.True(e.IsTransient);
        Assert.Null(e.StatusCode);
        Assert.Equal("ILM policy [smm-logs]", e.Resource);
        Assert.Contains("/_ilm/policy/smm-logs", e.Message, StringComparison.Ordinal);
    }
}
