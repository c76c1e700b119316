using System.Text.Json.Nodes;

namespace LogPipeline.Elasticsearch;

/// <summary>The ILM policy and templates embedded from <c>index-templates/</c> (the single source of truth),
/// rendered for one configuration: the retention goes into the policy's delete phase, and in rollover-alias
/// mode the namespace goes into the alias template. Everything else is installed exactly as in the files.</summary>
public sealed class IndexTemplateSet
{
    public const string PolicyName = ElasticsearchSinkOptions.BaseName;
    public const string SettingsComponentName = ElasticsearchSinkOptions.BaseName + "-settings";
    public const string MappingsComponentName = ElasticsearchSinkOptions.BaseName + "-mappings";
    public const string DataStreamTemplateName = ElasticsearchSinkOptions.BaseName;

    private IndexTemplateSet(IReadOnlyList<ManagedResource> resources) => Resources = resources;

    /// <summary>Policy, component templates and index template, in install order.</summary>
    public IReadOnlyList<ManagedResource> Resources { get; }

    /// <summary>Name of the rollover-alias index template for a namespace.</summary>
    public static string RolloverAliasTemplateName(string ns) => $"{ElasticsearchSinkOptions.BaseName}-{ns}-rollover-alias";

    /// <summary>Raw text of an embedded file, e.g. <c>ilm/smm-logs-policy.json</c>.</summary>
    public static string ReadFile(string relativePath)
    {
        var assembly = typeof(IndexTemplateSet).Assembly;
        using var stream = assembly.GetManifestResourceStream("index-templates/" + relativePath)
            ?? throw new InvalidOperationException($"index-templates/{relativePath} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Names of all embedded files (relative to <c>index-templates/</c>).</summary>
    public static IReadOnlyList<string> EmbeddedFiles() => typeof(IndexTemplateSet).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("index-templates/", StringComparison.Ordinal))
        .Select(n => n["index-templates/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    public static IndexTemplateSet Create(ElasticsearchSinkOptions options, int retentionDays)
    {
        var policy = Parse("ilm/smm-logs-policy.json");
        var policyBody = (JsonObject)policy["policy"]!;
        ((JsonObject)policyBody["phases"]!["delete"]!)["min_age"] = $"{retentionDays}d";
        ((JsonObject)policyBody["_meta"]!)["retention_days"] = retentionDays;

        var resources = new List<ManagedResource>
        {
            Resource(ManagedResourceKind.IlmPolicy, PolicyName, $"/_ilm/policy/{PolicyName}", policy, (JsonObject)policyBody["_meta"]!),
            Resource(ManagedResourceKind.ComponentTemplate, SettingsComponentName, $"/_component_template/{SettingsComponentName}", Parse("component/smm-logs-settings.json")),
            Resource(ManagedResourceKind.ComponentTemplate, MappingsComponentName, $"/_component_template/{MappingsComponentName}", Parse("component/smm-logs-mappings.json")),
        };

        if (options.Mode == ElasticsearchIndexMode.DataStream)
        {
            resources.Add(Resource(ManagedResourceKind.IndexTemplate, DataStreamTemplateName, $"/_index_template/{DataStreamTemplateName}", Parse("index-template/smm-logs.json")));
        }
        else
        {
            var alias = Parse("index-template/smm-logs-rollover-alias.json");
            alias["index_patterns"] = new JsonArray($"{options.Target}-*");
            alias["template"]!["settings"]!["index"]!["lifecycle"]!["rollover_alias"] = options.Target;
            var name = RolloverAliasTemplateName(options.Namespace);
            resources.Add(Resource(ManagedResourceKind.IndexTemplate, name, $"/_index_template/{name}", alias));
        }

        return new IndexTemplateSet(resources);
    }

    /// <summary><c>_meta.version</c> of a resource body, or 0 when it has none (made by hand).</summary>
    public static long MetaVersion(JsonNode? meta) =>
        meta is JsonObject m && m["version"] is JsonValue v && v.TryGetValue<long>(out var version) ? version : 0;

    private static ManagedResource Resource(ManagedResourceKind kind, string name, string path, JsonObject body, JsonObject? meta = null)
    {
        meta ??= body["_meta"] as JsonObject;
        var version = MetaVersion(meta);
        if (version <= 0)
        {
            throw new InvalidOperationException($"index-templates: {ManagedResource.KindName(kind)} [{name}] has no positive _meta.version.");
        }

        return new ManagedResource(kind, name, path, body, version);
    }

    private static JsonObject Parse(string relativePath) =>
        JsonNode.Parse(ReadFile(relativePath)) as JsonObject
        ?? throw new InvalidOperationException($"index-templates/{relativePath} is not a JSON object.");
}
