using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Enrichers;
using LogPipeline.Configuration;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>deploy/kubernetes/components/rules: the rules ConfigMap, mounted whole (so Kubernetes refreshes it) and
/// named in Enrichment:RuleFiles. Its files pass the worker's start-up check and, as shipped, change nothing.</summary>
public sealed class RulesComponentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("logpipeline-rules-component-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static YamlMappingNode Kustomization => KubernetesManifests.Files["components/rules/kustomization.yaml"].Single();

    private static YamlMappingNode ConfigMap => KubernetesManifests.Files["components/rules/configmap.yaml"].Single();

    private static YamlMappingNode PodSpec => (YamlMappingNode)KubernetesManifests.Files["components/rules/workload-patch.yaml"].Single().At("spec.template.spec")!;

    private static YamlNode Container => PodSpec.Items("containers").Single(c => c.Str("name") == "logpipeline");

    private static YamlNode Mount => Container.Items("volumeMounts").Single(m => m.Str("name") == "rules");

    /// <summary>The worker's environment with the volume's files written where the test can read them.</summary>
    private Dictionary<string, string> MountedEnvironment()
    {
        var mountPath = Mount.Required("mountPath");
        foreach (var (name, content) in ConfigMap.Map("data"))
        {
            File.WriteAllText(Path.Combine(_directory, name), content);
        }

        return Container.Items("env").ToDictionary(e => e.Required("name"), e => e.Required("value").Replace(mountPath, _directory, StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_rules_files_pass_the_workers_start_up_check()
    {
        var configuration = PipelineConfiguration.Build(environment: MountedEnvironment(), baseDirectory: _directory);

        Assert.Empty(ConfigurationSchema.Validate(configuration).Where(p => p.Key.StartsWith("Enrichment", StringComparison.Ordinal)).Select(p => p.Message));
        var files = ConfigurationSchema.Get<EnrichmentOptions>(configuration).RuleFiles;
        Assert.Equal(Path.Combine(_directory, "masking.json"), files.Masking);
        Assert.Equal(Path.Combine(_directory, "error-categories.json"), files.ErrorCategories);
        Assert.Equal(Path.Combine(_directory, "normalization.json"), files.Normalization);
    }

    [Fact]
    public void The_shipped_rules_files_change_nothing_the_worker_writes()
    {
        var configuration = PipelineConfiguration.Build(environment: MountedEnvironment(), baseDirectory: _directory);
        using var withFiles = EnrichmentChain.Create(ConfigurationSchema.Get<EnrichmentOptions>(configuration));
        using var without = EnrichmentChain.Create(new EnrichmentOptions());
        var lines = File.ReadLines(RepositoryFiles.PathOf("samples", "smm-logs.ndjson")).Where(l => l.Length > 0).ToList();

        Assert.NotEmpty(lines);
        Assert.Equal(Enrich(without, lines), Enrich(withFiles, lines));
    }

    [Fact]
    public void Every_rules_file_the_worker_is_pointed_at_is_in_the_ConfigMap_on_a_whole_volume_mount()
    {
        var mountPath = Mount.Required("mountPath");
        var data = ConfigMap.Map("data");
        var settings = Container.Items("env").Where(e => e.Required("name").StartsWith("LOGPIPELINE__Enrichment__RuleFiles__", StringComparison.Ordinal)).ToList();

        Assert.Equal(3, settings.Count);
        Assert.All(settings, e => Assert.Contains(Path.GetFileName(e.Required("value")), data.Keys));
        Assert.All(settings, e => Assert.Equal(mountPath + "/" + Path.GetFileName(e.Required("value")), e.Required("value")));
        // A subPath mount is never refreshed by Kubernetes: the rules would not reload.
        Assert.Null(Mount.Str("subPath"));
        var volume = PodSpec.Items("volumes").Single(v => v.Str("name") == "rules");
        Assert.Equal(ConfigMap.Required("metadata.name"), volume.Required("configMap.name"));
    }

    [Fact]
    public void The_patch_targets_the_worker_as_the_bases_DaemonSet_and_as_the_KEDA_overlays_Deployment()
    {
        var target = Assert.Single(Kustomization.Items("patches")).At("target")!;
        var kind = new Regex($"^{target.Required("kind")}$");
        var keda = Yaml.LoadDocuments(RepositoryFiles.PathOf("deploy", "kustomize-overlays", "keda", "deployment.yaml")).Single();

        Assert.Equal("Component", Kustomization.Required("kind"));
        Assert.Matches(kind, KubernetesManifests.DaemonSet.Required("kind"));
        Assert.Matches(kind, keda.Required("kind"));
        Assert.Equal(KubernetesManifests.DaemonSet.Required("metadata.name"), target.Required("name"));
        Assert.Equal(keda.Required("metadata.name"), target.Required("name"));
    }

    private static List<string> Enrich(EnrichmentChain chain, IEnumerable<string> lines)
    {
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();
        var fixedTime = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var results = new List<string>();
        foreach (var line in lines)
        {
            output.ResetWrittenCount();
            var result = session.Enrich(Encoding.UTF8.GetBytes(line), output, fixedTime);
            results.Add(result.Accepted ? Encoding.UTF8.GetString(output.WrittenSpan) : "rejected: " + result.ReasonCode);
        }

        return results;
    }
}
