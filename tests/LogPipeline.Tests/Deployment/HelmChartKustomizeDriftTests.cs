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

    [Fact]
    public void With_geoip_the_worker_has_the_geoip_components_environment_mounts_and_resources()
    {
        var chart = RenderedChart.Render("geoip:\n  enabled: true\n");
        var patch = KubernetesManifests.GeoIpWorkerPatch;
        var env = ByName(KubernetesManifests.WorkerContainer, "env");
        var mounts = ByName(KubernetesManifests.WorkerContainer, "volumeMounts");
        // A strategic merge patch merges env and volumeMounts by name.
        foreach (var (name, entry) in ByName(patch, "env"))
        {
            env[name] = entry;
        }

        foreach (var (name, entry) in ByName(patch, "volumeMounts"))
        {
            mounts[name] = entry;
        }

        Assert.Equal(env, ByName(chart.WorkerContainer, "env"));
        Assert.Equal(mounts, ByName(chart.WorkerContainer, "volumeMounts"));
        Assert.Equal(Canonical(patch, "resources"), Canonical(chart.WorkerContainer, "resources"));
    }
}
