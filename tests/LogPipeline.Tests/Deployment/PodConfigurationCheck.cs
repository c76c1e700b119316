using System.Text.Json.Nodes;
using LogPipeline.Configuration;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>Validates the configuration a manifest gives the worker (a ConfigMap's appsettings.json and the
/// container's environment) with the worker's own checks, as it would run in the pod. Files the configuration names
/// on the pod's volumes (secrets, CAs, GeoIP databases) are stood in for by files under a temporary root, because
/// the options check that they exist.</summary>
internal sealed class PodConfigurationCheck : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("logpipeline-deploy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A container's <c>env</c> as name → value. Secret references and the downward API stand for values
    /// the cluster supplies; any non-empty text will do here.</summary>
    public static Dictionary<string, string> Environment(IEnumerable<YamlNode> env) =>
        env.ToDictionary(
            e => e.Required("name"),
            e => e.Str("value") ?? (e.At("valueFrom.secretKeyRef") is not null ? "from-secret" : "from-downward-api"));

    /// <param name="mountPaths">The container's volume mount paths (the appsettings.json mount itself excluded).</param>
    /// <param name="mountedFiles">Files whose content the manifests themselves supply (ConfigMap volumes: rules files),
    /// path in the container → content; any other file on a mount gets stand-in text.</param>
    public IReadOnlyList<ConfigurationProblem> Validate(string appSettingsJson, IReadOnlyDictionary<string, string> environment, IEnumerable<string> mountPaths,
        IReadOnlyDictionary<string, string>? mountedFiles = null)
    {
        var mounts = mountPaths.Where(m => m != "/app/appsettings.json").Distinct().ToList();
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
            File.WriteAllText(local, mountedFiles?.GetValueOrDefault(value) ?? "stand-in-for-a-mounted-secret-file-0123456789abcdef");
            return local;
        }

        var settings = JsonNode.Parse(appSettingsJson)!;
        RelocateStrings(settings, Relocate);
        var file = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(file, settings.ToJsonString());
        var env = environment.ToDictionary(kv => kv.Key, kv => Relocate(kv.Value));
        var configuration = PipelineConfiguration.Build(configFile: file, environment: env, baseDirectory: _directory);
        return ConfigurationSchema.Validate(configuration);
    }

    /// <summary>Whether <paramref name="name"/> (a <c>LOGPIPELINE__</c> variable) names a key of the configuration
    /// schema: set alone it is not reported as an unknown key, and a misspelling of it is (so the check can see
    /// that part of the schema at all).</summary>
    public bool IsKnownSetting(string name)
    {
        static bool Unknown(ConfigurationProblem p) => p.Message.Contains("is not a known key", StringComparison.Ordinal);
        var misspelt = Validate("{}", new Dictionary<string, string> { [name + "x"] = "1" }, []);
        var alone = Validate("{}", new Dictionary<string, string> { [name] = "from-secret" }, []);
        return misspelt.Any(p => Unknown(p) && p.Key.EndsWith("x", StringComparison.Ordinal)) && !alone.Any(Unknown);
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
}
