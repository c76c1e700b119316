using LogPipeline.Tests.Deployment.HelmRendering;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>deploy/helm/logpipeline rendered by the tests' own renderer (no helm binary is served here) for one set
/// of value overrides, with accessors for the documents the tests read.</summary>
internal sealed class RenderedChart
{
    /// <summary>Representative installations: the defaults, each toggle the chart offers, and a release name as long
    /// as Helm allows (53 characters).</summary>
    public static IReadOnlyDictionary<string, (string Release, string? Overrides)> Scenarios { get; } =
        new Dictionary<string, (string, string?)>(StringComparer.Ordinal)
        {
            ["defaults"] = ("logpipeline", null),
            ["deployment with a fixed replica count"] = ("logpipeline", "mode: deployment\nreplicas: 4\n"),
            ["deployment scaled by an autoscaler"] = ("logpipeline", "mode: deployment\nreplicas: null\n"),
            ["geoip volume"] = ("logpipeline", "geoip:\n  enabled: true\n  claimName: geo-databases\n"),
            ["monitoring off"] = ("logpipeline", "serviceMonitor:\n  enabled: false\nprometheusRule:\n  enabled: false\n"),
            ["own image and secrets"] = ("smm-logs", """
                image:
                  repository: registry.example.com/smm/logpipeline
                  tag: "1.4.2"
                secrets:
                  kafka: kafka-credentials
                  elasticsearch: es-api-key
                  masking: masking-hmac
                """),
            ["rules files"] = ("logpipeline", "rules:\n  enabled: true\n"),
            ["network policy to address ranges, no disruption budget"] = ("logpipeline", """
                networkPolicy:
                  metricsNamespace: observability
                  kafka:
                    cidrs: [10.20.0.0/16]
                    ports: [9094]
                  elasticsearch:
                    cidrs: [203.0.113.0/24, 198.51.100.7/32]
                    ports: [443]
                podDisruptionBudget:
                  enabled: false
                """),
            ["longest release name"] = (new string('r', 53), "mode: deployment\ngeoip:\n  enabled: true\nrules:\n  enabled: true\n"),
        };

    private static readonly Lazy<HelmChart> Loaded = new(() => HelmChart.Load(ChartDirectory));

    private RenderedChart(string release, IReadOnlyList<(string File, YamlMappingNode Document)> documents)
    {
        Release = release;
        Documents = documents;
    }

    public static string ChartDirectory => RepositoryFiles.PathOf("deploy", "helm", "logpipeline");

    public static HelmChart Chart => Loaded.Value;

    public string Release { get; }

    public IReadOnlyList<(string File, YamlMappingNode Document)> Documents { get; }

    public YamlMappingNode Workload => Documents.Single(d => d.Document.Str("kind") is "DaemonSet" or "Deployment").Document;

    public YamlMappingNode PodSpec => (YamlMappingNode)Workload.At("spec.template.spec")!;

    public YamlMappingNode WorkerContainer => (YamlMappingNode)PodSpec.Items("containers").Single(c => c.Str("name") == "logpipeline");

    public string AppSettingsJson => Named("ConfigMap", Release + "-config").Map("data")["appsettings.json"];

    /// <summary>The files the worker container sees from whole-volume ConfigMap mounts (not the subPath-mounted
    /// appsettings.json): path in the container → content.</summary>
    public IReadOnlyDictionary<string, string> MountedConfigMapFiles
    {
        get
        {
            var volumes = PodSpec.Items("volumes").Where(v => v.At("configMap") is not null).ToDictionary(v => v.Required("name"), v => v.Required("configMap.name"));
            return WorkerContainer.Items("volumeMounts")
                .Where(m => m.Str("subPath") is null && volumes.ContainsKey(m.Required("name")))
                .SelectMany(m => Named("ConfigMap", volumes[m.Required("name")]).Map("data").Select(kv => (Path: m.Required("mountPath") + "/" + kv.Key, kv.Value)))
                .ToDictionary(f => f.Path, f => f.Value, StringComparer.Ordinal);
        }
    }

    public static RenderedChart Scenario(string name) => Render(Scenarios[name].Overrides, Scenarios[name].Release);

    public static RenderedChart Render(string? overrides = null, string release = "logpipeline") =>
        new(release, HelmChart.Documents(Chart.Render(release, "logging", overrides)));

    public YamlMappingNode Single(string kind) => Documents.Single(d => d.Document.Str("kind") == kind).Document;

    public YamlMappingNode Named(string kind, string name) =>
        Documents.Single(d => d.Document.Str("kind") == kind && d.Document.Str("metadata.name") == name).Document;

    public bool Has(string kind) => Documents.Any(d => d.Document.Str("kind") == kind);
}
