using System.Text.Json.Nodes;

namespace LogPipeline.Elasticsearch;

/// <summary>The ILM policy and templates embedded from <c>index-templates/</c> (the single source of truth),
/// rendered for one configuration and one cluster:
/// <list type="bullet">
/// <item>the ILM policy is named after the namespace (<c>smm-logs-&lt;namespace&gt;</c>), so deployments with
/// different retention never overwrite one another's; the retention goes into its delete phase;</item>
/// <item>the index template <c>smm-logs-&lt;namespace&gt;</c> (data streams) or
/// <c>smm-logs-&lt;namespace&gt;-rollover-alias</c> names that policy, or carries the data stream lifecycle
/// (<c>lifecycle.data_retention</c>) instead;</item>
/// <item>settings the cluster's version does not know are left out (Elasticsearch refuses a template with an
/// unknown setting), and so is every ILM setting on a cluster without ILM.</item>
/// </list>
/// Everything else is installed exactly as in the files.</summary>
internal sealed class IndexTemplateSet
{
    /// <summary>The ILM policy shared by every namespace before version 2 of the templates; still named by the
    /// shared <c>smm-logs</c> index template for data streams no upgraded worker bootstrapped.</summary>
    public const string LegacyPolicyName = ElasticsearchSinkOptions.BaseName;
    public const string SettingsComponentName = ElasticsearchSinkOptions.BaseName + "-settings";
    public const string MappingsComponentName = ElasticsearchSinkOptions.BaseName + "-mappings";
    public const string DataStreamTemplateName = ElasticsearchSinkOptions.BaseName;

    private IndexTemplateSet(IReadOnlyList<ManagedResource> resources, ElasticsearchLifecycle lifecycle)
    {
        Resources = resources;
        Lifecycle = lifecycle;
    }

    /// <summary>Policy (ILM only), component templates and index templates, in install order.</summary>
    public IReadOnlyList<ManagedResource> Resources { get; }

    /// <summary>The lifecycle in effect: <see cref="ElasticsearchLifecycle.Ilm"/> or
    /// <see cref="ElasticsearchLifecycle.DataStreamLifecycle"/>, never <see cref="ElasticsearchLifecycle.Auto"/>.</summary>
    public ElasticsearchLifecycle Lifecycle { get; }

    /// <summary>Name of the ILM policy of a namespace.</summary>
    public static string PolicyName(string ns) => $"{ElasticsearchSinkOptions.BaseName}-{ns}";

    /// <summary>Name of the data stream index template of a namespace.</summary>
    public static string NamespaceTemplateName(string ns) => $"{ElasticsearchSinkOptions.BaseName}-{ns}";

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

    /// <summary>Renders the set for <paramref name="options"/>; <paramref name="cluster"/> null means a cluster of
    /// the newest tested version with ILM.</summary>
    /// <exception cref="ElasticsearchBootstrapException">The configured lifecycle is impossible on this cluster
    /// (ILM asked of a cluster without it, or the data stream lifecycle with rollover-alias indices).</exception>
    public static IndexTemplateSet Create(ElasticsearchSinkOptions options, int retentionDays, ElasticsearchProtocol? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ilmAvailable = cluster?.SupportsIlm ?? true;
        var lifecycle = ResolveLifecycle(options, ilmAvailable);
        var ns = options.Namespace;

        var resources = new List<ManagedResource>();
        if (lifecycle == ElasticsearchLifecycle.Ilm)
        {
            var policy = Parse("ilm/smm-logs-policy.json");
            var policyBody = (JsonObject)policy["policy"]!;
            ((JsonObject)policyBody["phases"]!["delete"]!)["min_age"] = $"{retentionDays}d";
            ((JsonObject)policyBody["_meta"]!)["retention_days"] = retentionDays;
            var name = PolicyName(ns);
            resources.Add(Resource(ManagedResourceKind.IlmPolicy, name, $"/_ilm/policy/{name}", policy, (JsonObject)policyBody["_meta"]!));
        }

        resources.Add(Resource(ManagedResourceKind.ComponentTemplate, SettingsComponentName, $"/_component_template/{SettingsComponentName}", Parse("component/smm-logs-settings.json")));
        resources.Add(Resource(ManagedResourceKind.ComponentTemplate, MappingsComponentName, $"/_component_template/{MappingsComponentName}", Parse("component/smm-logs-mappings.json")));

        if (options.Mode == ElasticsearchIndexMode.DataStream)
        {
            resources.Add(Resource(ManagedResourceKind.IndexTemplate, DataStreamTemplateName, $"/_index_template/{DataStreamTemplateName}", Parse("index-template/smm-logs.json")));

            var own = Parse("index-template/smm-logs-namespace.json");
            own["index_patterns"] = new JsonArray(options.Target);
            var meta = (JsonObject)own["_meta"]!;
            // Rendered values the bootstrapper compares, so a changed retention or lifecycle replaces the template.
            meta["lifecycle"] = lifecycle == ElasticsearchLifecycle.Ilm ? "ilm" : "data_stream_lifecycle";
            if (lifecycle == ElasticsearchLifecycle.Ilm)
            {
                own["template"]!["settings"]!["index"]!["lifecycle"]!["name"] = PolicyName(ns);
            }
            else
            {
                meta["retention_days"] = retentionDays;
                own["template"] = new JsonObject { ["lifecycle"] = new JsonObject { ["data_retention"] = $"{retentionDays}d" } };
            }

            var name = NamespaceTemplateName(ns);
            resources.Add(Resource(ManagedResourceKind.IndexTemplate, name, $"/_index_template/{name}", own));
        }
        else
        {
            var alias = Parse("index-template/smm-logs-rollover-alias.json");
            alias["index_patterns"] = new JsonArray($"{options.Target}-*");
            var settings = alias["template"]!["settings"]!["index"]!["lifecycle"]!;
            settings["name"] = PolicyName(ns);
            settings["rollover_alias"] = options.Target;
            var name = RolloverAliasTemplateName(ns);
            resources.Add(Resource(ManagedResourceKind.IndexTemplate, name, $"/_index_template/{name}", alias));
        }

        foreach (var resource in resources)
        {
            FitToCluster(resource.Body, cluster, ilmAvailable);
        }

        return new IndexTemplateSet(resources, lifecycle);
    }

    /// <summary>The lifecycle <paramref name="options"/> asks for on a cluster with or without ILM.</summary>
    public static ElasticsearchLifecycle ResolveLifecycle(ElasticsearchSinkOptions options, bool ilmAvailable)
    {
        var lifecycle = options.Lifecycle == ElasticsearchLifecycle.Auto
            ? (ilmAvailable ? ElasticsearchLifecycle.Ilm : ElasticsearchLifecycle.DataStreamLifecycle)
            : options.Lifecycle;
        if (lifecycle == ElasticsearchLifecycle.Ilm && !ilmAvailable)
        {
            throw ElasticsearchBootstrapException.Unsupported(
                $"{ElasticsearchSinkOptions.SectionName}:Lifecycle = Ilm: the cluster has no ILM (Elastic Cloud Serverless); use Auto or DataStreamLifecycle.");
        }

        if (lifecycle == ElasticsearchLifecycle.DataStreamLifecycle && options.Mode == ElasticsearchIndexMode.RolloverAlias)
        {
            throw ElasticsearchBootstrapException.Unsupported(
                $"{ElasticsearchSinkOptions.SectionName}:Mode = RolloverAlias needs ILM, which this cluster does not have: use Mode = DataStream.");
        }

        return lifecycle;
    }

    /// <summary><c>_meta.version</c> of a resource body, or 0 when it has none (made by hand).</summary>
    public static long MetaVersion(JsonNode? meta) =>
        meta is JsonObject m && m["version"] is JsonValue v && v.TryGetValue<long>(out var version) ? version : 0;

    /// <summary>Removes from a template body the settings this cluster would refuse.</summary>
    private static void FitToCluster(JsonObject body, ElasticsearchProtocol? cluster, bool ilmAvailable)
    {
        if (body["template"]?["settings"]?["index"] is not JsonObject index)
        {
            return;
        }

        if (cluster is { SupportsIgnoreDynamicBeyondLimit: false } && index["mapping"]?["total_fields"] is JsonObject totalFields)
        {
            totalFields.Remove("ignore_dynamic_beyond_limit");
        }

        if (!ilmAvailable)
        {
            index.Remove("lifecycle");
        }

        if (index.Count == 0 && body["template"]!["settings"] is JsonObject settings)
        {
            settings.Remove("index");
            if (settings.Count == 0)
            {
                ((JsonObject)body["template"]!).Remove("settings");
            }
        }
    }

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
