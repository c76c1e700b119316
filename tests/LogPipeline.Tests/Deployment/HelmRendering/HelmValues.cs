using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Values files as Helm reads them (sigs.k8s.io/yaml: YAML → JSON → Go): maps of string keys, lists,
/// and scalars resolved as go-yaml v2 resolves plain scalars (<c>yes</c>/<c>on</c> are booleans, <c>~</c> is
/// null), every number a float64. Overrides merge into the defaults as Helm coalesces them: maps key by key,
/// anything else replaced, and a null removes the default's key.</summary>
internal static class HelmValues
{
    public static Dictionary<string, object?> Parse(string path, string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : Convert(path, stream.Documents[0].RootNode) as Dictionary<string, object?>
              ?? throw new InvalidDataException($"{path}: the values are not a map");
    }

    /// <summary>A copy of <paramref name="defaults"/> with <paramref name="overrides"/> merged in.</summary>
    public static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> defaults, IReadOnlyDictionary<string, object?> overrides)
    {
        var merged = new Dictionary<string, object?>(defaults, StringComparer.Ordinal);
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else if (value is IReadOnlyDictionary<string, object?> child && merged.GetValueOrDefault(key) is IReadOnlyDictionary<string, object?> original)
            {
                merged[key] = Merge(original, child);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private static object? Convert(string path, YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            kv => Convert(path, kv.Key) switch
            {
                string s => s,
                var other => GoFormat.Value(new SourcePosition(path, (int)kv.Key.Start.Line), other),
            },
            kv => Convert(path, kv.Value),
            StringComparer.Ordinal),
        YamlSequenceNode list => list.Children.Select(child => Convert(path, child)).ToList(),
        YamlScalarNode scalar => Scalar(path, scalar),
        _ => throw new InvalidDataException($"{path}:{node.Start.Line}: {node.NodeType} is not implemented by this renderer"),
    };

    private static object? Scalar(string path, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value != "!")
        {
            throw new InvalidDataException($"{path}:{scalar.Start.Line}: the tag {scalar.Tag} is not implemented by this renderer");
        }

        if (scalar.Style != ScalarStyle.Plain)
        {
            return text;
        }

        var value = PlainScalar.Resolve(text);
        return value != PlainScalar.Unimplemented
            ? value
            : throw new InvalidDataException($"{path}:{scalar.Start.Line}: the plain scalar {text} (octal, binary, special float or timestamp) is not implemented by this renderer");
    }
}
