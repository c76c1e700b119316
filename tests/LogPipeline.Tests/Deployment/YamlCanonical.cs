using System.Text;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>A YAML node as comparable text: mappings with sorted keys, flow and block styles alike, so two manifests
/// written differently compare equal when Kubernetes would read them the same.</summary>
internal static class YamlCanonical
{
    public static string Of(YamlNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(YamlNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case YamlScalarNode scalar:
                text.Append('"').Append(scalar.Value).Append('"');
                break;
            case YamlSequenceNode sequence:
                text.Append('[');
                foreach (var child in sequence.Children)
                {
                    Write(child, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case YamlMappingNode map:
                text.Append('{');
                foreach (var (key, value) in map.Children.OrderBy(kv => ((YamlScalarNode)kv.Key).Value, StringComparer.Ordinal))
                {
                    text.Append(((YamlScalarNode)key).Value).Append(':');
                    Write(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
        }
    }
}
