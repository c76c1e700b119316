using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>The manifests under deploy/kubernetes, loaded once.</summary>
internal static class KubernetesManifests
{
    public static string Directory { get; } = RepositoryFiles.PathOf("deploy", "kubernetes");

    /// <summary>Every YAML file (base, components, example), relative path → documents.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<YamlMappingNode>> Files { get; } =
        System.IO.Directory.EnumerateFiles(Directory, "*.yaml", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'), Yaml.LoadDocuments);

    public static YamlMappingNode Kustomization => Files["kustomization.yaml"].Single();

    /// <summary>The documents the base kustomization applies.</summary>
    public static IReadOnlyList<YamlMappingNode> Base { get; } =
        Kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!).SelectMany(f => Files[f]).ToList();

    public static YamlMappingNode Single(string kind) => Base.Single(d => d.Str("kind") == kind);

    public static YamlMappingNode DaemonSet => Single("DaemonSet");

    public static YamlMappingNode PodSpec => (YamlMappingNode)DaemonSet.At("spec.template.spec")!;

    public static YamlMappingNode WorkerContainer =>
        (YamlMappingNode)PodSpec.Items("containers").Single(c => c.Str("name") == "logpipeline");

    public static YamlMappingNode GeoIpPatch => Files["components/geoip/daemonset-patch.yaml"].Single();

    /// <summary>The GeoIP component's additions to the worker container (env, mounts).</summary>
    public static YamlMappingNode GeoIpWorkerPatch =>
        (YamlMappingNode)GeoIpPatch.At("spec.template.spec")!.Items("containers").Single(c => c.Str("name") == "logpipeline");

    public static YamlMappingNode SetupJob => Files["components/setup-job/job.yaml"].Single();

    /// <summary>The worker's appsettings.json as the ConfigMap carries it.</summary>
    public static string AppSettingsJson => Single("ConfigMap").Map("data")["appsettings.json"];
}
