using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>deploy/helm/logpipeline, read as files: what keeps the chart from drifting before anything is rendered.
/// Its <c>config</c> is the kustomize ConfigMap's appsettings.json (which the deployment tests validate with the
/// worker's own checks), every value a template reads exists in values.yaml, every worker setting a template sets is
/// one the kustomize manifests set, and the alert rules are the rules file itself. The chart is rendered and linted
/// in <see cref="HelmChartRenderingTests"/> and compared with the kustomize base in
/// <see cref="HelmChartKustomizeDriftTests"/>, by the tests' own renderer (Deployment/HelmRendering): no registry
/// here serves a helm binary, so real Helm does not render it in the tests.</summary>
public sealed partial class HelmChartTests
{
    private static readonly string Chart = RepositoryFiles.PathOf("deploy", "helm", "logpipeline");

    private static YamlMappingNode Values => Yaml.LoadDocuments(Path.Combine(Chart, "values.yaml")).Single();

    private static IEnumerable<(string File, string Text)> Templates() =>
        Directory.EnumerateFiles(Path.Combine(Chart, "templates")).Select(f => (Path.GetFileName(f), File.ReadAllText(f)));

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_.]+)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"LOGPIPELINE__[A-Za-z0-9_]+")]
    private static partial Regex WorkerSetting();

    /// <summary>Configuration keys (as IConfiguration flattens them) of a YAML mapping.</summary>
    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string?> into)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    Flatten(value, prefix.Length == 0 ? ((YamlScalarNode)key).Value! : $"{prefix}:{((YamlScalarNode)key).Value}", into);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], $"{prefix}:{i}", into);
                }

                break;
            case YamlScalarNode scalar:
                into[prefix] = scalar.Value;
                break;
        }
    }

    [Fact]
    public void The_charts_config_is_the_kustomize_ConfigMaps_appsettings_key_for_key()
    {
        var fromValues = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(Values.At("config")!, "", fromValues);
        var fromConfigMap = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(KubernetesManifests.AppSettingsJson)))
            .Build().AsEnumerable().Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);

        Assert.Equal(fromConfigMap.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase),
            fromValues.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_value_a_template_reads_is_defined_in_values_yaml()
    {
        var references = Templates().SelectMany(t => ValuesReference().Matches(t.Text).Select(m => (t.File, Path: m.Groups[1].Value))).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(Values.At(r.Path) is not null, $"{r.File}: .Values.{r.Path} is not in values.yaml"));
        foreach (var key in new[] { "image.repository", "image.tag", "resources", "secrets.kafka", "secrets.elasticsearch", "geoip.enabled",
                     "serviceMonitor.enabled", "prometheusRule.enabled", "mode", "config" })
        {
            Assert.Contains(references, r => r.Path == key);
        }
    }

    [Fact]
    public void Every_worker_setting_a_template_sets_is_one_the_kustomize_manifests_set()
    {
        var manifests = string.Join("\n", Directory.EnumerateFiles(KubernetesManifests.Directory, "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText));
        var known = WorkerSetting().Matches(manifests).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var used = Templates().SelectMany(t => WorkerSetting().Matches(t.Text).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.All(used, s => Assert.Contains(s, known));
    }

    [Fact]
    public void The_charts_alert_rules_are_the_rules_file_itself()
    {
        var rules = File.ReadAllText(RepositoryFiles.PathOf("deploy", "prometheus", "logpipeline-alerts.yml"));

        Assert.Equal(rules, File.ReadAllText(Path.Combine(Chart, "files", "logpipeline-alerts.yml")));
        Assert.Contains(".Files.Get \"files/logpipeline-alerts.yml\"", Templates().Single(t => t.File == "prometheusrule.yaml").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_values_file_and_the_chart_metadata_parse()
    {
        var chart = Yaml.LoadDocuments(Path.Combine(Chart, "Chart.yaml")).Single();

        Assert.Equal("v2", chart.Required("apiVersion"));
        Assert.Equal("logpipeline", chart.Required("name"));
        Assert.Contains(Values.Required("mode"), new[] { "daemonset", "deployment" });
    }
}
