using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>deploy/kustomize-overlays/keda: the worker as a Deployment scaled by KEDA on the consumer group's lag.
/// Rendered with <c>kubectl kustomize</c> by hand (see docs/deployment.md); here its files are checked against the
/// base and the worker's configuration so they cannot drift.</summary>
public sealed class KedaOverlayTests
{
    private static readonly string Directory = RepositoryFiles.PathOf("deploy", "kustomize-overlays", "keda");

    private static YamlMappingNode Load(string file) => Yaml.LoadDocuments(Path.Combine(Directory, file)).Single();

    private static YamlMappingNode Deployment => Load("deployment.yaml");

    private static string Canonical(YamlNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [Fact]
    public void The_overlay_builds_on_the_base_replaces_the_DaemonSet_and_lists_every_file_beside_it()
    {
        var kustomization = Load("kustomization.yaml");
        var resources = kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!).ToList();
        var files = System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

        Assert.Equal("../../kubernetes", resources[0]);
        Assert.Equal(files, resources.Skip(1).Order(StringComparer.Ordinal));
        var patch = Assert.Single(kustomization.Items("patches")).Required("patch");
        Assert.Contains("$patch: delete", patch, StringComparison.Ordinal);
        Assert.Contains("kind: DaemonSet", patch, StringComparison.Ordinal);
        Assert.Contains($"name: {KubernetesManifests.DaemonSet.Required("metadata.name")}", patch, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Deployments_pod_template_is_the_DaemonSets_except_the_group_instance_id_source()
    {
        var deployment = Deployment;
        var template = (YamlMappingNode)deployment.At("spec.template")!;
        var container = template.At("spec")!.Items("containers").Single(c => c.Str("name") == "logpipeline");
        var nodeName = container.Items("env").Single(e => e.Str("name") == "NODE_NAME");

        // A Deployment may put two pods on one node: group.instance.id must be unique, so it is the pod's name.
        Assert.Equal("metadata.name", nodeName.Required("valueFrom.fieldRef.fieldPath"));
        var expected = Canonical(KubernetesManifests.DaemonSet.At("spec.template")!)
            .Replace("fieldPath: spec.nodeName", "fieldPath: metadata.name", StringComparison.Ordinal);
        Assert.Equal(expected, Canonical(template));
        Assert.Equal("Deployment", deployment.Required("kind"));
        Assert.Equal(KubernetesManifests.DaemonSet.Required("metadata.name"), deployment.Required("metadata.name"));
        Assert.Null(deployment.At("spec.replicas"));
        Assert.Equal("0", deployment.Required("spec.strategy.rollingUpdate.maxSurge"));
    }

    [Fact]
    public void The_scaler_watches_the_brokers_group_and_topic_the_worker_is_configured_with()
    {
        var settings = JsonNode.Parse(KubernetesManifests.AppSettingsJson)!;
        var scaled = Load("scaledobject.yaml");
        var trigger = Assert.Single(scaled.Items("spec.triggers"));

        Assert.Equal("kafka", trigger.Required("type"));
        Assert.Equal(settings["Kafka"]!["Consumer"]!["BootstrapServers"]!.GetValue<string>(), trigger.Required("metadata.bootstrapServers"));
        Assert.Equal(settings["Kafka"]!["Consumer"]!["GroupId"]!.GetValue<string>(), trigger.Required("metadata.consumerGroup"));
        Assert.Equal(settings["Kafka"]!["Source"]!["Topics"]![0]!.GetValue<string>(), trigger.Required("metadata.topic"));
        Assert.Equal("false", trigger.Required("metadata.allowIdleConsumers"));
        Assert.Equal(Deployment.Required("metadata.name"), scaled.Required("spec.scaleTargetRef.name"));
        Assert.Equal(Load("triggerauthentication.yaml").Required("metadata.name"), trigger.Required("authenticationRef.name"));
    }

    [Fact]
    public void The_scalers_credentials_come_from_the_secret_the_worker_reads()
    {
        var workerSecrets = KubernetesManifests.WorkerContainer.Items("env")
            .Select(e => e.Str("valueFrom.secretKeyRef.name")).Where(n => n is not null).ToHashSet();
        var refs = Load("triggerauthentication.yaml").Items("spec.secretTargetRef").ToList();

        Assert.Equal(["ca", "password", "username"], refs.Select(r => r.Required("parameter")).Order(StringComparer.Ordinal));
        Assert.All(refs, r => Assert.Contains(r.Required("name"), workerSecrets));
    }
}
