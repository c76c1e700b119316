using System.Text.Json.Nodes;

namespace LogPipeline.Elasticsearch;

/// <summary>One versioned resource as the worker would install it: its kind, name, request path and the
/// rendered JSON body from <c>index-templates/</c>.</summary>
internal sealed record ManagedResource(ManagedResourceKind Kind, string Name, string Path, JsonObject Body, long Version)
{
    /// <summary>What the <c>setup</c> command and error messages call it, e.g. <c>component template [smm-logs-mappings]</c>.</summary>
    public string DisplayName => $"{KindName(Kind)} [{Name}]";

    public static string KindName(ManagedResourceKind kind) => kind switch
    {
        ManagedResourceKind.IlmPolicy => "ILM policy",
        ManagedResourceKind.ComponentTemplate => "component template",
        ManagedResourceKind.IndexTemplate => "index template",
        ManagedResourceKind.DataStream => "data stream",
        _ => "write index",
    };
}
