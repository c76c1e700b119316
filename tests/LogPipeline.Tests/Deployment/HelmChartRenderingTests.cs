using System.Text.RegularExpressions;
using LogPipeline.Tests.Deployment.HelmRendering;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>deploy/helm/logpipeline rendered (by the tests' renderer, <see cref="HelmChart"/>) for representative
/// values, each document parsed and linted: what <c>helm lint</c> checks (Chart.yaml, names, parseable output)
/// and what a cluster and the worker would refuse (selectors that miss the pods, a probe on an unknown port, a
/// setting the worker does not know, a configuration its own checks reject).</summary>
public sealed partial class HelmChartRenderingTests : IDisposable
{
    private readonly PodConfigurationCheck _check = new();

    public void Dispose() => _check.Dispose();

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var name in RenderedChart.Scenarios.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    // Kubernetes' DNS-1123 label (Services need a label; the other kinds here accept it too) and label values.
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    // semver.org's regular expression for SemVer 2.0.0, which helm lint requires of version.
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    private static partial Regex SemVer();

    [GeneratedRegex("job=\"([^\"]+)\"")]
    private static partial Regex JobSelector();

    [Fact]
    public void Chart_yaml_has_what_helm_lint_requires()
    {
        var chart = RenderedChart.Chart.Metadata;

        Assert.Equal("v2", chart["apiVersion"]);
        Assert.Equal(Path.GetFileName(RenderedChart.ChartDirectory), chart["name"]);
        Assert.Matches(SemVer(), (string)chart["version"]!);
        Assert.False(string.IsNullOrEmpty(chart["appVersion"] as string));
        Assert.Contains(chart["type"], new object?[] { "application", null });
        Assert.NotEmpty(RenderedChart.Chart.Defaults);
    }

    [Fact]
    public void Every_template_file_is_yaml_or_a_partial_template()
    {
        Assert.All(RenderedChart.Chart.TemplateFiles, f => Assert.True(
            f.EndsWith(".yaml", StringComparison.Ordinal) || (Path.GetFileName(f).StartsWith('_') && f.EndsWith(".tpl", StringComparison.Ordinal)), f));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_rendered_document_has_an_apiVersion_a_kind_and_a_unique_valid_name(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);

        Assert.NotEmpty(chart.Documents);
        foreach (var (file, document) in chart.Documents)
        {
            Assert.False(string.IsNullOrEmpty(document.Str("apiVersion")), $"{file}: apiVersion");
            Assert.False(string.IsNullOrEmpty(document.Str("kind")), $"{file}: kind");
            var name = document.Required("metadata.name");
            Assert.True(name.Length <= 63 && Dns1123Label().IsMatch(name), $"{file}: metadata.name {name} is not a DNS-1123 label of at most 63 characters");
        }

        var duplicates = chart.Documents.GroupBy(d => $"{d.Document.Str("kind")}/{d.Document.Str("metadata.name")}").Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicates);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_label_and_selector_value_is_a_valid_label_value(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);
        var labelSets = chart.Documents.SelectMany(d => new[] { "metadata.labels", "spec.selector.matchLabels", "spec.template.metadata.labels", "spec.selector" }
            .Where(path => d.Document.At(path) is YamlMappingNode)
            .Select(path => (Where: $"{d.File} {path}", Labels: d.Document.Map(path))));

        Assert.All(labelSets, set => Assert.All(set.Labels, kv =>
            Assert.True(kv.Value.Length <= 63 && LabelValue().IsMatch(kv.Value), $"{set.Where}: {kv.Key}={kv.Value}")));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void The_workload_the_service_and_the_service_monitor_select_the_releases_pods(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);
        var podLabels = chart.Workload.Map("spec.template.metadata.labels");
        void SelectsPods(IReadOnlyDictionary<string, string> selector, string what)
        {
            Assert.NotEmpty(selector);
            Assert.All(selector, kv => Assert.True(podLabels.TryGetValue(kv.Key, out var v) && v == kv.Value, $"{what} selector {kv.Key}={kv.Value}"));
        }

        SelectsPods(chart.Workload.Map("spec.selector.matchLabels"), "workload");
        var service = chart.Single("Service");
        SelectsPods(service.Map("spec.selector"), "Service");
        Assert.Contains(chart.Release, chart.Workload.Map("spec.selector.matchLabels").Values);

        var containerPorts = chart.WorkerContainer.Items("ports").Select(p => p.Required("name")).ToList();
        Assert.All(service.Items("spec.ports"), p => Assert.Contains(p.Required("targetPort"), containerPorts));
        if (chart.Has("ServiceMonitor"))
        {
            var monitor = chart.Single("ServiceMonitor");
            var serviceLabels = service.Map("metadata.labels");
            Assert.All(monitor.Map("spec.selector.matchLabels"), kv => Assert.Equal(kv.Value, serviceLabels.GetValueOrDefault(kv.Key)));
            Assert.All(monitor.Items("spec.endpoints"), e => Assert.Contains(e.Required("port"), service.Items("spec.ports").Select(p => p.Required("name"))));
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void The_worker_has_a_pinned_image_resources_and_probes_on_its_own_port(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);
        var container = chart.WorkerContainer;
        var ports = container.Items("ports").Select(p => p.Required("name")).ToList();

        Assert.Matches("^[^:@ ]+(:[0-9]+)?/?[^: ]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$", container.Required("image"));
        Assert.DoesNotContain(":latest", container.Required("image"), StringComparison.Ordinal);
        Assert.NotNull(container.Str("resources.requests.cpu"));
        Assert.NotNull(container.Str("resources.requests.memory"));
        Assert.NotNull(container.Str("resources.limits.memory"));
        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            Assert.Equal(path, container.Str($"{probe}.httpGet.path"));
            Assert.Contains(container.Required($"{probe}.httpGet.port"), ports);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_LOGPIPELINE_variable_is_a_key_of_the_workers_configuration_schema(string scenario)
    {
        var names = RenderedChart.Scenario(scenario).WorkerContainer.Items("env").Select(e => e.Required("name"))
            .Where(n => n.StartsWith("LOGPIPELINE__", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(_check.IsKnownSetting(n), $"{n} is not a key the worker knows"));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void The_ConfigMap_and_the_environment_pass_the_workers_own_configuration_checks(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);
        var problems = _check.Validate(chart.AppSettingsJson, PodConfigurationCheck.Environment(chart.WorkerContainer.Items("env")),
            chart.WorkerContainer.Items("volumeMounts").Select(m => m.Required("mountPath")), chart.MountedConfigMapFiles);

        Assert.Empty(problems.Select(p => p.Message));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_mount_has_its_volume_and_every_volume_refers_to_what_the_release_provides(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);
        var volumes = chart.PodSpec.Items("volumes").ToDictionary(v => v.Required("name"));
        var values = HelmValues.Merge(RenderedChart.Chart.Defaults, HelmValues.Parse("overrides", RenderedChart.Scenarios[scenario].Overrides ?? ""));
        var secrets = ((IReadOnlyDictionary<string, object?>)values["secrets"]!).Values.ToHashSet();

        Assert.Equal(volumes.Keys.Order(), chart.WorkerContainer.Items("volumeMounts").Select(m => m.Required("name")).Distinct().Order());
        Assert.Equal($"{chart.Release}-config", volumes["config"].Required("configMap.name"));
        var configMaps = chart.Documents.Where(d => d.Document.Str("kind") == "ConfigMap").Select(d => d.Document.Required("metadata.name")).ToList();
        Assert.All(volumes.Values.Where(v => v.At("configMap") is not null), v => Assert.Contains(v.Required("configMap.name"), configMaps));
        Assert.All(volumes.Values.Where(v => v.At("secret") is not null), v => Assert.Contains(v.Required("secret.secretName"), secrets));
        Assert.Equal(chart.Single("ServiceAccount").Required("metadata.name"), chart.PodSpec.Required("serviceAccountName"));
    }

    [Fact]
    public void The_service_monitor_and_the_prometheus_rule_are_rendered_only_when_enabled()
    {
        var defaults = RenderedChart.Scenario("defaults");
        var off = RenderedChart.Scenario("monitoring off");

        Assert.True(defaults.Has("ServiceMonitor") && defaults.Has("PrometheusRule"));
        Assert.False(off.Has("ServiceMonitor") || off.Has("PrometheusRule"));
        Assert.Equal(defaults.Documents.Count - 2, off.Documents.Count);
    }

    [Fact]
    public void The_prometheus_rule_carries_the_alert_rules_files_groups()
    {
        var rules = Yaml.LoadDocuments(RepositoryFiles.PathOf("deploy", "prometheus", "logpipeline-alerts.yml")).Single();

        Assert.Equal(YamlCanonical.Of(rules.At("groups")), YamlCanonical.Of(RenderedChart.Scenario("defaults").Single("PrometheusRule").At("spec.groups")));
    }

    [Fact]
    public void The_service_monitor_sets_the_job_the_alert_rules_select_whatever_the_release_is_called()
    {
        var rules = RepositoryFiles.Read("deploy", "prometheus", "logpipeline-alerts.yml");
        var jobs = JobSelector().Matches(rules).Select(m => m.Groups[1].Value).Distinct().ToList();
        var chart = RenderedChart.Scenario("own image and secrets");
        var relabelings = chart.Single("ServiceMonitor").Items("spec.endpoints").Single().Items("relabelings");

        Assert.NotEqual("logpipeline", chart.Release);
        Assert.Equal(jobs, [relabelings.Single(r => r.Str("targetLabel") == "job").Required("replacement")]);
        Assert.Contains(relabelings, r => r.Str("targetLabel") == "node");
    }

    [Fact]
    public void Deployment_mode_sets_the_replica_count_or_leaves_it_to_an_autoscaler_and_names_consumers_after_pods()
    {
        var fixedCount = RenderedChart.Scenario("deployment with a fixed replica count");
        var autoscaled = RenderedChart.Scenario("deployment scaled by an autoscaler");
        var daemonSet = RenderedChart.Scenario("defaults");
        string NodeName(RenderedChart c) => c.WorkerContainer.Items("env").Single(e => e.Str("name") == "NODE_NAME").Required("valueFrom.fieldRef.fieldPath");

        Assert.Equal(("Deployment", "4"), (fixedCount.Workload.Str("kind"), fixedCount.Workload.Str("spec.replicas")));
        Assert.Equal("Deployment", autoscaled.Workload.Str("kind"));
        Assert.Null(autoscaled.Workload.At("spec.replicas"));
        Assert.Equal("DaemonSet", daemonSet.Workload.Str("kind"));
        Assert.Equal("metadata.name", NodeName(fixedCount));
        Assert.Equal("spec.nodeName", NodeName(daemonSet));
        Assert.Equal("RollingUpdate", fixedCount.Workload.Str("spec.strategy.type"));
        Assert.Equal("RollingUpdate", daemonSet.Workload.Str("spec.updateStrategy.type"));
    }

    [Fact]
    public void The_geoip_volume_is_the_claim_mounted_read_only_where_the_database_paths_point()
    {
        var chart = RenderedChart.Scenario("geoip volume");
        var mount = chart.WorkerContainer.Items("volumeMounts").Single(m => m.Str("name") == "geoip");
        var volume = chart.PodSpec.Items("volumes").Single(v => v.Str("name") == "geoip");
        var paths = chart.WorkerContainer.Items("env").Where(e => e.Required("name").StartsWith("LOGPIPELINE__Enrichment__GeoIp__", StringComparison.Ordinal))
            .Select(e => e.Required("value")).ToList();

        Assert.Equal("geo-databases", volume.Str("persistentVolumeClaim.claimName"));
        Assert.Equal("true", mount.Str("readOnly"));
        Assert.Equal(2, paths.Count);
        Assert.All(paths, p => Assert.StartsWith(mount.Required("mountPath") + "/", p, StringComparison.Ordinal));
        Assert.DoesNotContain(RenderedChart.Scenario("defaults").PodSpec.Items("volumes"), v => v.Str("name") == "geoip");
    }

    [Fact]
    public void An_unknown_mode_stops_the_rendering_with_the_charts_message()
    {
        var e = Assert.Throws<TemplateException>(() => RenderedChart.Render("mode: statefulset\n"));

        Assert.StartsWith("templates/workload.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("mode must be daemonset or deployment", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pods_roll_when_the_configuration_changes_and_only_then()
    {
        static string Checksum(RenderedChart c) => c.Workload.Required("spec.template.metadata.annotations.checksum/config");

        var defaults = Checksum(RenderedChart.Scenario("defaults"));

        Assert.Matches("^[0-9a-f]{64}$", defaults);
        Assert.Equal(defaults, Checksum(RenderedChart.Scenario("own image and secrets")));
        Assert.NotEqual(defaults, Checksum(RenderedChart.Render("config:\n  Elasticsearch:\n    RetentionDays: 14\n")));
    }

    [Fact]
    public void The_image_tag_defaults_to_the_charts_appVersion_and_can_be_set()
    {
        Assert.Equal($"logpipeline:{RenderedChart.Chart.Metadata["appVersion"]}", RenderedChart.Scenario("defaults").WorkerContainer.Required("image"));
        Assert.Equal("registry.example.com/smm/logpipeline:1.4.2", RenderedChart.Scenario("own image and secrets").WorkerContainer.Required("image"));
    }

    [Fact]
    public void A_config_override_reaches_the_ConfigMap_and_a_null_removes_a_default_key()
    {
        var chart = RenderedChart.Render("config:\n  Elasticsearch:\n    RetentionDays: 14\n    Namespace: null\n");
        var settings = System.Text.Json.Nodes.JsonNode.Parse(chart.AppSettingsJson)!["Elasticsearch"]!;

        Assert.Equal(14, settings["RetentionDays"]!.GetValue<int>());
        Assert.Null(settings["Namespace"]);
        Assert.Equal("DataStream", settings["Mode"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void The_network_policy_and_the_disruption_budget_select_the_releases_pods_and_let_metrics_in(string scenario)
    {
        var chart = RenderedChart.Scenario(scenario);
        var podLabels = chart.Workload.Map("spec.template.metadata.labels");
        foreach (var (kind, selector) in new[] { ("NetworkPolicy", "spec.podSelector.matchLabels"), ("PodDisruptionBudget", "spec.selector.matchLabels") }.Where(k => chart.Has(k.Item1)))
        {
            var labels = chart.Single(kind).Map(selector);
            Assert.NotEmpty(labels);
            Assert.All(labels, kv => Assert.True(podLabels.GetValueOrDefault(kv.Key) == kv.Value, $"{kind} selector {kv.Key}={kv.Value}"));
        }

        if (chart.Has("NetworkPolicy"))
        {
            var metricsPort = chart.WorkerContainer.Items("ports").Single(p => p.Str("name") == "http").Required("containerPort");
            var ingress = Assert.Single(chart.Single("NetworkPolicy").Items("spec.ingress"));
            Assert.Equal([metricsPort], ingress.Items("ports").Select(p => p.Required("port")));
        }
    }

    [Fact]
    public void The_network_policy_reaches_services_outside_the_cluster_by_address_range_and_each_toggle_removes_its_object()
    {
        var chart = RenderedChart.Scenario("network policy to address ranges, no disruption budget");
        var policy = chart.Single("NetworkPolicy");
        var egress = policy.Items("spec.egress").ToList();
        static IEnumerable<string?> Cidrs(YamlNode rule) => rule.Items("to").Select(t => t.Str("ipBlock.cidr"));
        static IEnumerable<string> Ports(YamlNode rule) => rule.Items("ports").Select(p => p.Required("port"));

        Assert.Equal(3, egress.Count);
        Assert.Equal(["10.20.0.0/16"], Cidrs(egress[1]));
        Assert.Equal(["9094"], Ports(egress[1]));
        Assert.Equal(["203.0.113.0/24", "198.51.100.7/32"], Cidrs(egress[2]));
        Assert.Equal(["443"], Ports(egress[2]));
        Assert.Equal("observability", policy.Items("spec.ingress").Single().Items("from").Single().Map("namespaceSelector.matchLabels")["kubernetes.io/metadata.name"]);
        Assert.False(chart.Has("PodDisruptionBudget"));
        Assert.True(RenderedChart.Scenario("defaults").Has("PodDisruptionBudget"));
        Assert.False(RenderedChart.Render("networkPolicy:\n  enabled: false\n").Has("NetworkPolicy"));
    }

    [Fact]
    public void With_rules_on_the_rules_ConfigMap_is_mounted_whole_where_the_RuleFiles_paths_point()
    {
        var chart = RenderedChart.Scenario("rules files");
        var mount = chart.WorkerContainer.Items("volumeMounts").Single(m => m.Str("name") == "rules");
        var volume = chart.PodSpec.Items("volumes").Single(v => v.Str("name") == "rules");
        var files = chart.Named("ConfigMap", "logpipeline-rules").Map("data");
        var paths = chart.WorkerContainer.Items("env").Where(e => e.Required("name").StartsWith("LOGPIPELINE__Enrichment__RuleFiles__", StringComparison.Ordinal))
            .Select(e => e.Required("value")).ToList();

        Assert.Equal(["error-categories.json", "masking.json", "normalization.json"], files.Keys.Order());
        Assert.Equal(3, paths.Count);
        Assert.All(paths, p => Assert.Equal(mount.Required("mountPath") + "/" + Path.GetFileName(p), p));
        Assert.All(paths, p => Assert.Contains(Path.GetFileName(p), files.Keys));
        // A subPath mount is never refreshed by Kubernetes: the rules would not reload.
        Assert.Null(mount.Str("subPath"));
        Assert.Equal("true", mount.Str("readOnly"));
        Assert.Equal("logpipeline-rules", volume.Required("configMap.name"));
        var defaults = RenderedChart.Scenario("defaults");
        Assert.DoesNotContain(defaults.PodSpec.Items("volumes"), v => v.Str("name") == "rules");
        Assert.Single(defaults.Documents, d => d.Document.Str("kind") == "ConfigMap");
    }

    [Fact]
    public void A_rules_file_the_worker_would_refuse_fails_its_configuration_check()
    {
        var chart = RenderedChart.Render("rules:\n  enabled: true\n  masking:\n    Patterns:\n      - { Name: order_ref, Regex: \"ORD-(\" }\n");
        var problems = _check.Validate(chart.AppSettingsJson, PodConfigurationCheck.Environment(chart.WorkerContainer.Items("env")),
            chart.WorkerContainer.Items("volumeMounts").Select(m => m.Required("mountPath")), chart.MountedConfigMapFiles);

        var problem = Assert.Single(problems);
        Assert.StartsWith("Enrichment", problem.Key, StringComparison.Ordinal);
        // The file is read where the check stands the pod's volumes in, under a temporary directory.
        Assert.Matches(@"^Enrichment:RuleFiles:Masking is '[^']*/etc/logpipeline/rules/masking\.json', which is refused: Enrichment:Masking:Patterns:0:Regex is 'ORD-\('", problem.Message);
    }

    [Fact]
    public void A_rules_change_reaches_the_rules_ConfigMap_without_rolling_the_pods()
    {
        static string Checksum(RenderedChart c) => c.Workload.Required("spec.template.metadata.annotations.checksum/config");
        static string Categories(RenderedChart c) => c.Named("ConfigMap", "logpipeline-rules").Map("data")["error-categories.json"];
        var before = RenderedChart.Scenario("rules files");
        var after = RenderedChart.Render("rules:\n  enabled: true\n  errorCategories:\n    DefaultCategory: unknown\n");

        Assert.Equal(Checksum(before), Checksum(after));
        Assert.Equal("unknown", System.Text.Json.Nodes.JsonNode.Parse(Categories(after))!["DefaultCategory"]!.GetValue<string>());
        Assert.NotEqual(Categories(before), Categories(after));
    }
}
