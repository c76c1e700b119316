using System.Text.Json.Nodes;
using Enrichers.Normalization;

namespace LogPipeline.Tests.Deployment;

/// <summary>The normalization stage's defaults and index-templates/component/smm-logs-mappings.json describe the same
/// index: what the mapping refuses (alias writes, scalars in objects) the stage never writes.</summary>
public sealed class NormalizationMappingTests
{
    private static (List<string> Aliases, List<string> Objects) Mapping()
    {
        var aliases = new List<string>();
        var objects = new List<string>();
        void Walk(JsonObject? properties, string prefix)
        {
            foreach (var (name, node) in properties ?? [])
            {
                var path = prefix + name;
                if ((string?)node?["type"] == "alias")
                {
                    aliases.Add(path);
                }
                else if (node?["properties"] is JsonObject children)
                {
                    objects.Add(path);
                    Walk(children, path + ".");
                }
            }
        }

        Walk(JsonNode.Parse(RepositoryFiles.Read("index-templates", "component", "smm-logs-mappings.json"))!["template"]!["mappings"]!["properties"]!.AsObject(), "");
        return (aliases, objects);
    }

    [Fact]
    public void Every_alias_of_the_mapping_is_a_source_the_stage_always_consumes()
    {
        var (aliases, _) = Mapping();

        Assert.NotEmpty(aliases);
        foreach (var alias in aliases)
        {
            Assert.Contains(NormalizationOptions.DefaultRules, r => r.From == alias && r.Consume == SourceConsumption.Always);
        }
    }

    [Fact]
    public void Every_object_of_the_mapping_has_a_place_for_a_scalar_found_there()
    {
        var (_, objects) = Mapping();

        Assert.Equal(objects.Order(StringComparer.Ordinal), NormalizationOptions.DefaultObjectFields.Select(o => o.Field).Order(StringComparer.Ordinal));
    }
}
