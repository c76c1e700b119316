using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Document checks against the index's mappings (<see cref="FieldMappings"/>): what Elasticsearch refuses
/// with <c>document_parsing_exception</c> the test server refuses too, so that a test cannot pass with documents a
/// cluster would dead-letter.</summary>
internal sealed partial class ElasticsearchTestServer
{
    private readonly ConditionalWeakTable<TestIndex, FieldMappings> _fieldMappings = new();

    /// <summary>False skips the mapping checks (a benchmark that only measures throughput). Default true.</summary>
    public bool ValidatesMappings { get; set; } = true;

    /// <summary>Why Elasticsearch would refuse <paramref name="source"/> in <paramref name="index"/>, or null.</summary>
    private string? CheckMappings(TestIndex index, string id, ReadOnlySpan<byte> source)
    {
        if (!ValidatesMappings)
        {
            return null;
        }

        if (!_fieldMappings.TryGetValue(index, out var mappings))
        {
            lock (_lock)
            {
                mappings = _fieldMappings.GetValue(index, i => new FieldMappings(MappingsOf(i)));
            }
        }

        return mappings.Check(source, id) is { } reason ? $"[1:1] {reason}" : null;
    }

    /// <summary>The mappings an index was created with: its data stream's template (components first, then the
    /// template's own), or the template matching its name. Call under the lock.</summary>
    private JsonObject? MappingsOf(TestIndex index)
    {
        var templateName = index.DataStream is { } stream && _dataStreams.TryGetValue(stream, out var ds) ? ds.Template : MatchTemplate(index.Name)?.Name;
        if (templateName is null || !_indexTemplates.TryGetValue(templateName, out var template))
        {
            return null;
        }

        var parts = Strings(template["composed_of"])
            .Select(c => _componentTemplates.TryGetValue(c, out var component) ? component["template"]?["mappings"] as JsonObject : null)
            .Append(template["template"]?["mappings"] as JsonObject);
        return FieldMappings.Merge(parts);
    }
}
