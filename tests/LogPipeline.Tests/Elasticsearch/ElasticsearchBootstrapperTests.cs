using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LogPipeline.Elasticsearch;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class ElasticsearchBootstrapperTests
{
    private static ElasticsearchBootstrapper Bootstrapper(ElasticsearchSinkOptions options) =>
        new(ElasticsearchClientFactory.Create(options), options);

    private static JsonNode? Setting(JsonObject? template, params string[] path)
    {
        JsonNode? node = template?["template"]?["settings"]?["index"];
        foreach (var step in path)
        {
            node = node?[step];
        }

        return node;
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Bootstrap_twice_and_from_two_workers_at_once_gives_the_same_resources_without_errors(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);

        await SinkScenarios.BootstrapTwiceAndConcurrentlyAsync(server.Url, "default");

        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
        Assert.NotNull(server.IlmPolicy("smm-logs-default"));
        Assert.NotNull(server.ComponentTemplate("smm-logs-settings"));
        Assert.NotNull(server.ComponentTemplate("smm-logs-mappings"));
        Assert.NotNull(server.IndexTemplate("smm-logs"));
        Assert.NotNull(server.IndexTemplate("smm-logs-default"));
        ElasticsearchModes.AssertSpokeItsMajor(server);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Eight_workers_starting_at_once_on_an_empty_cluster_all_succeed_and_create_each_resource_once(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        var options = SinkScenarios.Options(server.Url);

        var reports = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Bootstrapper(options).RunAsync(SinkScenarios.Timeout())));

        // Templates are created with ?create=true and the data stream is created once: exactly one worker
        // creates each, the others find it. The ILM policy has no create-only mode, so several may write it.
        foreach (var kind in new[] { ManagedResourceKind.ComponentTemplate, ManagedResourceKind.IndexTemplate, ManagedResourceKind.DataStream })
        {
            foreach (var name in reports[0].Resources.Where(r => r.Kind == kind).Select(r => r.Name))
            {
                var outcomes = reports.Select(r => r[kind, name].Outcome).ToList();
                Assert.Equal(1, outcomes.Count(o => o == BootstrapOutcome.Created));
                Assert.Equal(7, outcomes.Count(o => o == BootstrapOutcome.Unchanged));
            }
        }

        Assert.DoesNotContain(reports.SelectMany(r => r.Resources), r => r.Outcome == BootstrapOutcome.Updated);
        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task The_first_bootstrap_reports_every_resource_created_and_the_cluster_it_ran_against(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        var options = SinkScenarios.Options(server.Url);

        var report = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());

        Assert.Equal(
            ["ILM policy [smm-logs-default]", "component template [smm-logs-settings]", "component template [smm-logs-mappings]",
             "index template [smm-logs]", "index template [smm-logs-default]", "data stream [smm-logs-default]"],
            report.Resources.Select(r => $"{ManagedResource.KindName(r.Kind)} [{r.Name}]"));
        Assert.All(report.Resources, r => Assert.Equal(BootstrapOutcome.Created, r.Outcome));
        Assert.Contains("data stream [smm-logs-default]: created", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(server.Version.Version, report.Protocol!.Server.Version);
        Assert.Equal(server.Version.Major, report.Protocol.CompatibleWith);
        Assert.Equal(ElasticsearchLifecycle.Ilm, report.Lifecycle);
    }

    [Theory]
    [InlineData("8.11.4", false)]
    [InlineData("8.12.2", false)]
    [InlineData("8.13.0", true)]
    [InlineData("8.15.3", true)]
    [InlineData("9.1.0", true)]
    public async Task A_setting_the_clusters_version_does_not_know_is_left_out_and_every_other_is_installed(string version, bool known)
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerVersion(version));

        await Bootstrapper(SinkScenarios.Options(server.Url)).RunAsync(SinkScenarios.Timeout());

        var settings = server.ComponentTemplate("smm-logs-settings");
        Assert.Equal(known, Setting(settings, "mapping", "total_fields", "ignore_dynamic_beyond_limit") is not null);
        Assert.Equal(2000, Setting(settings, "mapping", "total_fields", "limit")!.GetValue<int>());
        Assert.Equal("best_compression", Setting(settings, "codec")!.GetValue<string>());
        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
    }

    [Fact]
    public async Task The_test_servers_8_11_refuses_the_shipped_settings_as_is_so_leaving_the_setting_out_is_needed()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(ElasticsearchTestServerVersion.V8Oldest);
        using var http = new HttpClient { BaseAddress = server.Url };

        var response = await http.PutAsync("/_component_template/smm-logs-settings",
            new StringContent(IndexTemplateSet.ReadFile("component/smm-logs-settings.json"), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown setting [index.mapping.total_fields.ignore_dynamic_beyond_limit]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task A_newer_version_on_the_cluster_is_left_alone_and_an_older_one_is_replaced(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
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
        // The namespace's template is the file with the namespace filled in (the shipped file is rendered for "default").
        var own = JsonNode.Parse(IndexTemplateSet.ReadFile("index-template/smm-logs-namespace.json"))!.AsObject();
        own["_meta"]!["lifecycle"] = "ilm";
        Assert.True(JsonNode.DeepEquals(own, server.IndexTemplate("smm-logs-default")));
        Assert.Equal(
            ["component/smm-logs-mappings.json", "component/smm-logs-settings.json", "ilm/smm-logs-policy.json",
             "index-template/smm-logs-namespace.json", "index-template/smm-logs-rollover-alias.json", "index-template/smm-logs.json"],
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
        Assert.Equal("7d", server.IlmPolicy("smm-logs-default")!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());

        var report = await new ElasticsearchBootstrapper(client, options, IndexTemplateSet.Create(options, 14)).RunAsync(SinkScenarios.Timeout());
        Assert.Equal(BootstrapOutcome.Updated, report[ManagedResourceKind.IlmPolicy, "smm-logs-default"].Outcome);
        Assert.Equal("retention set to 14 days", report[ManagedResourceKind.IlmPolicy, "smm-logs-default"].Detail);
        Assert.Equal("14d", server.IlmPolicy("smm-logs-default")!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Two_deployments_with_different_retention_keep_their_own_policies(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        var shortLived = SinkScenarios.Options(server.Url, "canary", o => o.RetentionDays = 3);
        var longLived = SinkScenarios.Options(server.Url, "prod", o => o.RetentionDays = 90);

        await Bootstrapper(shortLived).RunAsync(SinkScenarios.Timeout());
        await Bootstrapper(longLived).RunAsync(SinkScenarios.Timeout());
        var again = await Bootstrapper(shortLived).RunAsync(SinkScenarios.Timeout());

        Assert.Equal("3d", server.IlmPolicy("smm-logs-canary")!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());
        Assert.Equal("90d", server.IlmPolicy("smm-logs-prod")!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());
        Assert.Equal("smm-logs-canary", Setting(server.IndexTemplate("smm-logs-canary"), "lifecycle", "name")!.GetValue<string>());
        Assert.Equal("smm-logs-prod", Setting(server.IndexTemplate("smm-logs-prod"), "lifecycle", "name")!.GetValue<string>());
        Assert.All(again.Resources, r => Assert.Equal(BootstrapOutcome.Unchanged, r.Outcome));
        Assert.Null(server.IlmPolicy("smm-logs"));
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task A_cluster_bootstrapped_by_the_previous_version_is_upgraded_and_keeps_the_shared_policy_for_others(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        using var http = new HttpClient { BaseAddress = server.Url };
        // What version 1 of the templates installed: one policy smm-logs for every namespace, named in the settings.
        var legacyPolicy = JsonNode.Parse(IndexTemplateSet.ReadFile("ilm/smm-logs-policy.json"))!;
        var legacySettings = JsonNode.Parse(IndexTemplateSet.ReadFile("component/smm-logs-settings.json"))!.AsObject();
        legacySettings["version"] = 1;
        legacySettings["_meta"]!["version"] = 1;
        legacySettings["template"]!["settings"]!["index"]!["lifecycle"] = new JsonObject { ["name"] = "smm-logs" };
        var legacyTemplate = JsonNode.Parse(IndexTemplateSet.ReadFile("index-template/smm-logs.json"))!.AsObject();
        legacyTemplate["version"] = 1;
        legacyTemplate["_meta"]!["version"] = 1;
        legacyTemplate.Remove("template");
        (await http.PutAsJsonAsync("/_ilm/policy/smm-logs", legacyPolicy)).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/_component_template/smm-logs-settings", legacySettings)).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/_component_template/smm-logs-mappings", JsonNode.Parse(IndexTemplateSet.ReadFile("component/smm-logs-mappings.json")))).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/_index_template/smm-logs", legacyTemplate)).EnsureSuccessStatusCode();
        (await http.PutAsync("/_data_stream/smm-logs-default", null)).EnsureSuccessStatusCode();

        var report = await Bootstrapper(SinkScenarios.Options(server.Url)).RunAsync(SinkScenarios.Timeout());

        Assert.Equal(BootstrapOutcome.Created, report[ManagedResourceKind.IlmPolicy, "smm-logs-default"].Outcome);
        Assert.Equal(BootstrapOutcome.Updated, report[ManagedResourceKind.ComponentTemplate, "smm-logs-settings"].Outcome);
        Assert.Equal(BootstrapOutcome.Updated, report[ManagedResourceKind.IndexTemplate, "smm-logs"].Outcome);
        Assert.Equal(BootstrapOutcome.Created, report[ManagedResourceKind.IndexTemplate, "smm-logs-default"].Outcome);
        Assert.Equal(BootstrapOutcome.Unchanged, report[ManagedResourceKind.DataStream, "smm-logs-default"].Outcome);
        // Namespaces not yet upgraded still roll over under the shared policy, which is left as it was.
        Assert.Equal("smm-logs", Setting(server.IndexTemplate("smm-logs"), "lifecycle", "name")!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(legacyPolicy["policy"], server.IlmPolicy("smm-logs")!["policy"]));
        Assert.Equal("smm-logs-default", Setting(server.IndexTemplate("smm-logs-default"), "lifecycle", "name")!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task The_data_stream_lifecycle_carries_the_retention_instead_of_an_ilm_policy(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        var options = SinkScenarios.Options(server.Url, configure: o =>
        {
            o.Lifecycle = ElasticsearchLifecycle.DataStreamLifecycle;
            o.RetentionDays = 10;
        });

        var report = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());
        options.RetentionDays = 20;
        var changed = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());

        Assert.Equal(ElasticsearchLifecycle.DataStreamLifecycle, report.Lifecycle);
        Assert.DoesNotContain(report.Resources, r => r.Kind == ManagedResourceKind.IlmPolicy);
        Assert.Null(server.IlmPolicy("smm-logs-default"));
        var own = server.IndexTemplate("smm-logs-default")!;
        Assert.Equal("20d", own["template"]!["lifecycle"]!["data_retention"]!.GetValue<string>());
        Assert.Null(Setting(own, "lifecycle"));
        Assert.Equal("retention set to 20 days", changed[ManagedResourceKind.IndexTemplate, "smm-logs-default"].Detail);
        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
    }

    [Fact]
    public async Task On_serverless_auto_chooses_the_data_stream_lifecycle_and_installs_no_ilm_setting()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(ElasticsearchTestServerVersion.Serverless);
        var options = SinkScenarios.Options(server.Url);

        var report = await Bootstrapper(options).RunAsync(SinkScenarios.Timeout());

        Assert.Equal(ElasticsearchLifecycle.DataStreamLifecycle, report.Lifecycle);
        Assert.True(report.Protocol!.Server.IsServerless);
        Assert.Null(Setting(server.IndexTemplate("smm-logs"), "lifecycle"));
        Assert.Equal("30d", server.IndexTemplate("smm-logs-default")!["template"]!["lifecycle"]!["data_retention"]!.GetValue<string>());
        Assert.Equal(["smm-logs-default"], server.DataStreamNames());
    }

    [Fact]
    public async Task On_serverless_an_explicit_ilm_lifecycle_is_refused_with_one_line()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(ElasticsearchTestServerVersion.Serverless);
        var options = SinkScenarios.Options(server.Url, configure: o => o.Lifecycle = ElasticsearchLifecycle.Ilm);

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => Bootstrapper(options).RunAsync(SinkScenarios.Timeout()));

        Assert.False(e.IsTransient);
        Assert.Equal("Elasticsearch:Lifecycle = Ilm: the cluster has no ILM (Elastic Cloud Serverless); use Auto or DataStreamLifecycle.", e.Message);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Rollover_alias_mode_creates_the_first_index_with_the_write_alias_once(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        var options = SinkScenarios.Options(server.Url, "legacy", o => o.Mode = ElasticsearchIndexMode.RolloverAlias);

        var reports = await Task.WhenAll(Bootstrapper(options).RunAsync(SinkScenarios.Timeout()), Bootstrapper(options).RunAsync(SinkScenarios.Timeout()));

        Assert.Equal(1, reports.Count(r => r[ManagedResourceKind.WriteIndex, "smm-logs-legacy"].Outcome == BootstrapOutcome.Created));
        Assert.Equal(new Dictionary<string, bool> { ["smm-logs-legacy-000001"] = true }, server.Alias("smm-logs-legacy"));
        var template = server.IndexTemplate("smm-logs-legacy-rollover-alias")!;
        Assert.Equal("smm-logs-legacy-*", template["index_patterns"]![0]!.GetValue<string>());
        Assert.Equal("smm-logs-legacy", Setting(template, "lifecycle", "rollover_alias")!.GetValue<string>());
        Assert.Equal("smm-logs-legacy", Setting(template, "lifecycle", "name")!.GetValue<string>());
        Assert.NotNull(server.IlmPolicy("smm-logs-legacy"));
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
    public async Task An_unreachable_cluster_is_a_transient_failure_naming_the_version_check()
    {
        var server = await ElasticsearchTestServer.StartAsync();
        var url = server.Url;
        await server.DisposeAsync();

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => Bootstrapper(SinkScenarios.Options(url)).RunAsync(SinkScenarios.Timeout()));

        Assert.True(e.IsTransient);
        Assert.Null(e.StatusCode);
        Assert.Equal("the cluster (GET /)", e.Resource);
        Assert.StartsWith("Elasticsearch bootstrap failed for the cluster (GET /): connection_failed: GET /:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7.17.25")]
    [InlineData("8.10.4")]
    public async Task A_release_older_than_8_11_is_refused_with_one_line_and_nothing_installed(string version)
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerVersion(version));

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => Bootstrapper(SinkScenarios.Options(server.Url)).RunAsync(SinkScenarios.Timeout()));

        Assert.False(e.IsTransient);
        Assert.Equal(ElasticsearchBootstrapException.UnsupportedServer, e.ErrorType);
        Assert.Equal($"Elasticsearch {version} at {server.Url.GetLeftPart(UriPartial.Authority)} is not supported: LogPipeline needs 8.11 or later (8.x from 8.11, 9.x).", e.Message);
        Assert.DoesNotContain(Environment.NewLine, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_server_that_is_not_elasticsearch_is_refused_with_one_line()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions { ProductHeader = false });

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => Bootstrapper(SinkScenarios.Options(server.Url)).RunAsync(SinkScenarios.Timeout()));

        Assert.False(e.IsTransient);
        Assert.Contains("is not Elasticsearch", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.NewLine, e.Message, StringComparison.Ordinal);
    }
}
