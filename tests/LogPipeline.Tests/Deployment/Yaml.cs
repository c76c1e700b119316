using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>Small helpers over YamlDotNet's representation model for reading manifests.</summary>
internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> LoadDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => d.RootNode as YamlMappingNode
                ?? throw new InvalidDataException($"{path}: a document is a {d.RootNode.NodeType}, not a mapping."))
            .ToList();
    }

    /// <summary>The node at a dotted path, or null.</summary>
    public static YamlNode? At(this YamlNode node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(part), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? Str(this YamlNode node, string path) => (node.At(path) as YamlScalarNode)?.Value;

    public static string Required(this YamlNode node, string path) =>
        node.Str(path) ?? throw new Xunit.Sdk.XunitException($"missing {path}");

    public static IEnumerable<YamlNode> Items(this YamlNode node, string path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children : [];

    public static IReadOnlyDictionary<string, string> Map(this YamlNode node, string path) =>
        node.At(path) is YamlMappingNode map
            ? map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (kv.Value as YamlScalarNode)?.Value ?? "")
            : new Dictionary<string, string>();
}
