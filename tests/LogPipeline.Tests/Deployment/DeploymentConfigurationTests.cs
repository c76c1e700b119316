using System.Text.Json.Nodes;
using LogPipeline.Configuration;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>The configuration the manifests give the worker (the ConfigMap's appsettings.json plus the DaemonSet's
/// and the GeoIP component's environment) passes the worker's own configuration checks: no unknown key, no bad
/// value.</summary>
public sealed class DeploymentConfigurationTests : IDisposable
{
    private readonly PodConfigurationCheck _check = new();

    public void Dispose() => _check.Dispose();

    private static Dictionary<string, string> Environment(IEnumerable<YamlNode> env) => PodConfigurationCheck.Environment(env);

    private IReadOnlyList<ConfigurationProblem> Validate(Dictionary<string, string> environment) =>
        _check.Validate(KubernetesManifests.AppSettingsJson, environment,
            KubernetesManifests.WorkerContainer.Items("volumeMounts").Concat(KubernetesManifests.GeoIpWorkerPatch.Items("volumeMounts")).Select(m => m.Required("mountPath")));

    [Fact]
    public void The_base_configuration_and_environment_pass_the_workers_configuration_checks()
    {
        var env = Environment(KubernetesManifests.WorkerContainer.Items("env"));

        Assert.Empty(Validate(env).Select(p => p.Message));
    }

    [Fact]
    public void The_geoip_components_environment_passes_the_workers_configuration_checks()
    {
        var env = Environment(KubernetesManifests.WorkerContainer.Items("env"));
        foreach (var (name, value) in Environment(KubernetesManifests.GeoIpWorkerPatch.Items("env")))
        {
            env[name] = value;
        }

        Assert.Empty(Validate(env).Select(p => p.Message));
    }

    [Fact]
    public void Every_LOGPIPELINE_variable_names_a_key_of_the_configuration_schema()
    {
        var names = KubernetesManifests.WorkerContainer.Items("env")
            .Concat(KubernetesManifests.GeoIpWorkerPatch.Items("env"))
            .Select(e => e.Required("name"))
            .Where(n => n.StartsWith(PipelineConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(names);
        // A misspelt key in the environment is reported like one in a file; the real names are not.
        Assert.All(names, name => Assert.True(_check.IsKnownSetting(name), $"{name} is not a key the worker knows"));
    }

    [Fact]
    public void The_ConfigMap_keeps_the_images_log_levels_since_it_replaces_the_whole_file()
    {
        var image = new ConfigurationBuilder()
            .AddJsonFile(RepositoryFiles.PathOf("src", "LogPipeline", "appsettings.json")).Build().GetSection("Logging:LogLevel");
        var mounted = JsonNode.Parse(KubernetesManifests.AppSettingsJson)!["Logging"]?["LogLevel"];

        Assert.NotEmpty(image.GetChildren());
        Assert.All(image.GetChildren(), level => Assert.Equal(level.Value, (string?)mounted?[level.Key]));
    }

    [Fact]
    public void The_manifests_agree_with_the_workers_defaults_for_the_address_and_the_drain_deadline()
    {
        var settings = JsonNode.Parse(KubernetesManifests.AppSettingsJson)!;

        Assert.Equal(new HttpOptions().Address, settings["Http"]!["Address"]!.GetValue<string>());
        Assert.Equal(new ShutdownOptions().DrainTimeout, TimeSpan.Parse(settings["Shutdown"]!["DrainTimeout"]!.GetValue<string>()));
    }
}
