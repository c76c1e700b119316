using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>The chart's rendered DaemonSet against the kustomize base in deploy/kubernetes (and the base with the
/// GeoIP component against the chart with its GeoIP volume): what the worker sees must be the same either way —
/// environment, ports, probes, mounts, resources, security settings, volumes. Names are compared for a release
/// called <c>logpipeline</c>, the name the kustomize manifests use.</summary>
public sealed class HelmChartKustomizeDriftTests
{
    private static readonly RenderedChart Chart = RenderedChart.Scenario("defaults");

    private static string Canonical(YamlNode node, string path) => YamlCanonical.Of(node.At(path));

    /// <summary>A container's entries of a list keyed by name, in canonical form.</summary>
    private static Dictionary<string, string> ByName(YamlNode container, string list) =>
        container.Items(list).ToDictionary(e => e.Required("name"), YamlCanonical.Of);

    [Theory]
    [InlineData("ports")]
    [InlineData("startupProbe")]
    [InlineData("livenessProbe")]
    [InlineData("readinessProbe")]
    [InlineData("resources")]
    [InlineData("securityContext")]
    [InlineData("imagePullPolicy")]
    public void The_worker_container_has_the_kustomize_bases(string field)
    {
        Assert.Equal(Canonical(KubernetesManifests.WorkerContainer, field), Canonical(Chart.WorkerContainer, field));
    }

    [Fact]
    public void The_worker_has_the_kustomize_bases_environment_and_mounts()
    {
        Assert.Equal(ByName(KubernetesManifests.WorkerContainer, "env"), ByName(Chart.WorkerContainer, "env"));
        Assert.Equal(ByName(KubernetesManifests.WorkerContainer, "volumeMounts"), ByName(Chart.WorkerContainer, "volumeMounts"));
        Assert.Equal(KubernetesManifests.WorkerContainer.Required("image"), Chart.WorkerContainer.Required("image"));
    }

    [Theory]
    [InlineData("volumes")]
    [InlineData("securityContext")]
    [InlineData("terminationGracePeriodSeconds")]
    [InlineData("automountServiceAccountToken")]
    [InlineData("enableServiceLinks")]
    [InlineData("serviceAccountName")]
    public void The_pod_has_the_kustomize_bases(string field)
    {
        Assert.Equal(Canonical(KubernetesManifests.PodSpec, field), Canonical(Chart.PodSpec, field));
    }

    [Fact]
    public void The_daemonset_rolls_out_as_the_kustomize_one_and_its_pods_carry_its_labels()
    {
        var kustomizePodLabels = KubernetesManifests.DaemonSet.Map("spec.template.metadata.labels");
        var chartPodLabels = Chart.Workload.Map("spec.template.metadata.labels");

        Assert.Equal(Canonical(KubernetesManifests.DaemonSet, "spec.updateStrategy"), Canonical(Chart.Workload, "spec.updateStrategy"));
        Assert.All(kustomizePodLabels, kv => Assert.Equal(kv.Value, chartPodLabels.GetValueOrDefault(kv.Key)));
        Assert.Equal(KubernetesManifests.DaemonSet.Map("spec.template.metadata.annotations")["kubectl.kubernetes.io/default-container"],
            Chart.Workload.Map("spec.template.metadata.annotations")["kubectl.kubernetes.io/default-container"]);
    }

    [Fact]
    public void The_service_and_the_service_monitor_scrape_as_the_kustomize_ones()
    {
        var kustomizeEndpoint = KubernetesManifests.Single("ServiceMonitor").Items("spec.endpoints").Single();
        var chartEndpoint = Chart.Single("ServiceMonitor").Items("spec.endpoints").Single();

        Assert.Equal(Canonical(KubernetesManifests.Single("Service"), "spec.ports"), Canonical(Chart.Single("Service"), "spec.ports"));
        Assert.Equal(KubernetesManifests.Single("Service").Required("metadata.name"), Chart.Single("Service").Required("metadata.name"));
        Assert.Equal("None", Chart.Single("Service").Str("spec.clusterIP"));
        foreach (var field in new[] { "port", "path", "interval", "scrapeTimeout" })
        {
            Assert.Equal(kustomizeEndpoint.Str(field), chartEndpoint.Str(field));
        }

        // The chart adds one relabeling: the job name, which the kustomize Service's name gives by itself.
        Assert.Equal(kustomizeEndpoint.Items("relabelings").Select(YamlCanonical.Of),
            chartEndpoint.Items("relabelings").Where(r => r.Str("targetLabel") != "job").Select(YamlCanonical.Of));
    }

    /// <summary>A list of the base merged with a strategic merge patch's, which merges env, volumeMounts and volumes
    /// by name.</summary>
    private static Dictionary<string, string> Patched(YamlNode based, YamlNode patch, string list)
    {
        var merged = ByName(based, list);
        foreach (var (name, entry) in ByName(patch, list))
        {
            merged[name] = entry;
        }

        return merged;
    }

    [Fact]
    public void With_geoip_the_worker_has_the_geoip_components_environment_mounts_and_resources()
    {
        var chart = RenderedChart.Render("geoip:\n  enabled: true\n");
        var patch = KubernetesManifests.GeoIpWorkerPatch;

        Assert.Equal(Patched(KubernetesManifests.WorkerContainer, patch, "env"), ByName(chart.WorkerContainer, "env"));
        Assert.Equal(Patched(KubernetesManifests.WorkerContainer, patch, "volumeMounts"), ByName(chart.WorkerContainer, "volumeMounts"));
        Assert.Equal(Canonical(patch, "resources"), Canonical(chart.WorkerContainer, "resources"));
    }

    [Fact]
    public void With_rules_the_worker_has_the_rules_components_environment_mounts_volumes_and_files()
    {
        var chart = RenderedChart.Scenario("rules files");
        var patchPod = KubernetesManifests.Files["components/rules/workload-patch.yaml"].Single().At("spec.template.spec")!;
        var patchContainer = patchPod.Items("containers").Single(c => c.Str("name") == "logpipeline");
        var component = KubernetesManifests.Files["components/rules/configmap.yaml"].Single();
        var chartRules = chart.Named("ConfigMap", component.Required("metadata.name"));
        // The component's files are JSON with comments; the chart writes them from values, without.
        var options = new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true };
        static System.Text.Json.Nodes.JsonNode Parse(string text, System.Text.Json.JsonDocumentOptions options) => System.Text.Json.Nodes.JsonNode.Parse(text, documentOptions: options)!;

        Assert.Equal(Patched(KubernetesManifests.WorkerContainer, patchContainer, "env"), ByName(chart.WorkerContainer, "env"));
        Assert.Equal(Patched(KubernetesManifests.WorkerContainer, patchContainer, "volumeMounts"), ByName(chart.WorkerContainer, "volumeMounts"));
        Assert.Equal(Patched(KubernetesManifests.PodSpec, patchPod, "volumes"), ByName(chart.PodSpec, "volumes"));
        Assert.Equal(Canonical(KubernetesManifests.WorkerContainer, "resources"), Canonical(chart.WorkerContainer, "resources"));
        Assert.Equal(component.Map("data").Keys.Order(), chartRules.Map("data").Keys.Order());
        Assert.All(component.Map("data"), kv => Assert.True(
            System.Text.Json.Nodes.JsonNode.DeepEquals(Parse(kv.Value, options), Parse(chartRules.Map("data")[kv.Key], options)), $"{kv.Key} differs from the component's"));
    }

    [Theory]
    [InlineData("NetworkPolicy", "podSelector")]
    [InlineData("PodDisruptionBudget", "selector")]
    public void The_network_policy_and_the_disruption_budget_are_the_kustomize_bases_and_select_at_least_its_pods(string kind, string selector)
    {
        var kustomize = KubernetesManifests.Single(kind);
        var chart = Chart.Single(kind);
        var fields = ((YamlMappingNode)kustomize.At("spec")!).Children.Keys.Concat(((YamlMappingNode)chart.At("spec")!).Children.Keys)
            .Select(k => ((YamlScalarNode)k).Value!).Where(k => k != selector).Distinct().ToList();

        Assert.Equal(kustomize.Required("metadata.name"), chart.Required("metadata.name"));
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.Equal(Canonical(kustomize, "spec." + f), Canonical(chart, "spec." + f)));
        // The chart's selector adds the release's instance label; it must keep the base's.
        var chartSelector = chart.Map($"spec.{selector}.matchLabels");
        Assert.All(kustomize.Map($"spec.{selector}.matchLabels"), kv => Assert.Equal(kv.Value, chartSelector.GetValueOrDefault(kv.Key)));
    }
}
