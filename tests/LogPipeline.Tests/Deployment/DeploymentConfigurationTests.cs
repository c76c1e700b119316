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
    private readonly string _directory = Directory.CreateTempSubdirectory("logpipeline-deploy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Dictionary<string, string> Environment(IEnumerable<YamlNode> env) =>
        env.ToDictionary(
            e => e.Required("name"),
            // Secret references stand for values the cluster supplies; any non-empty text will do here.
            e => e.Str("value") ?? (e.At("valueFrom.secretKeyRef") is not null ? "from-secret" : "from-downward-api"));

    /// <summary>Validates as the worker would in the pod. Files the configuration names on the pod's volumes
    /// (secrets, CAs, GeoIP databases) are stood in for by empty files under a temporary root, because the
    /// options check that they exist.</summary>
    private IReadOnlyList<ConfigurationProblem> Validate(Dictionary<string, string> environment)
    {
        var mounts = KubernetesManifests.WorkerContainer.Items("volumeMounts")
            .Concat(KubernetesManifests.GeoIpWorkerPatch.Items("volumeMounts"))
            .Select(m => m.Required("mountPath")).Where(m => m != "/app/appsettings.json").Distinct().ToList();
        string Relocate(string value)
        {
            var mount = mounts.FirstOrDefault(m => value.StartsWith(m + "/", StringComparison.Ordinal));
            if (mount is null)
            {
                return value;
            }

            var local = Path.Combine(_directory, "pod", value.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            // Long enough for the masking key check (at least 16 bytes).
            File.WriteAllText(local, "stand-in-for-a-mounted-secret-file-0123456789abcdef");
            return local;
        }

        var settings = JsonNode.Parse(KubernetesManifests.AppSettingsJson)!;
        RelocateStrings(settings, Relocate);
        var file = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(file, settings.ToJsonString());
        var env = environment.ToDictionary(kv => kv.Key, kv => Relocate(kv.Value));
        var configuration = PipelineConfiguration.Build(configFile: file, environment: env, baseDirectory: _directory);
        return ConfigurationSchema.Validate(configuration);
    }

    private static void RelocateStrings(JsonNode node, Func<string, string> relocate)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    if (child is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        o[key] = relocate(text);
                    }
                    else if (child is not null)
                    {
                        RelocateStrings(child, relocate);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a.OfType<JsonNode>().Where(c => c is not JsonValue))
                {
                    RelocateStrings(child, relocate);
                }

                break;
        }
    }

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
        foreach (var name in names)
        {
            // A misspelt key in the environment is reported like one in a file.
            var problems = Validate(new Dictionary<string, string> { [name + "x"] = "1" });
            Assert.Contains(problems, p => p.Key.EndsWith("x", StringComparison.Ordinal));
            Assert.DoesNotContain(Validate(new Dictionary<string, string> { [name] = "from-secret" }), p => p.Message.Contains("unknown", StringComparison.OrdinalIgnoreCase));
        }
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
