using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogPipeline.Tests.Deployment;

/// <summary>index-templates/kibana/smm-logs.ndjson: importable shape, references that resolve, and every field a
/// search, visualization or map uses mapped (with a fitting type) by the index template's component templates.</summary>
public sealed partial class KibanaSavedObjectTests
{
    private static readonly IReadOnlyList<JsonObject> Objects = RepositoryFiles
        .Read("index-templates", "kibana", "smm-logs.ndjson")
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => JsonNode.Parse(l)!.AsObject())
        .ToList();

    private static readonly string[] Numeric = ["long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"];

    /// <summary>Every field the component templates map, with its type (an alias resolves to its target's type).</summary>
    private static Dictionary<string, string> MappedFields()
    {
        var fields = new Dictionary<string, string>();
        var aliases = new Dictionary<string, string>();
        void Walk(JsonObject? properties, string prefix)
        {
            foreach (var (name, node) in properties ?? [])
            {
                var path = prefix + name;
                var type = (string?)node!["type"] ?? "object";
                if (type == "alias")
                {
                    aliases[path] = (string)node["path"]!;
                }
                else if (type != "object")
                {
                    fields[path] = type;
                }

                Walk(node["properties"]?.AsObject(), path + ".");
                foreach (var (sub, subNode) in node["fields"]?.AsObject() ?? [])
                {
                    fields[path + "." + sub] = (string)subNode!["type"]!;
                }
            }
        }

        var files = Directory.GetFiles(RepositoryFiles.PathOf("index-templates", "component"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Walk(JsonNode.Parse(File.ReadAllText(file))!["template"]?["mappings"]?["properties"]?.AsObject(), "");
        }

        foreach (var (alias, target) in aliases)
        {
            fields[alias] = fields[target];
        }

        return fields;
    }

    /// <summary>A field use: the object, the field, and the kind of use (decides which types fit).</summary>
    private sealed record FieldUse(string Object, string Field, string Use);

    private static IEnumerable<FieldUse> FieldUses(JsonObject o)
    {
        var id = $"{o["type"]} {o["id"]}";
        var attributes = o["attributes"]!.AsObject();
        IEnumerable<FieldUse> Kql(string? query) =>
            query is null ? [] : KqlFields(query).Select(f => new FieldUse(id, f, "query"));
        JsonNode ParseString(string name) => JsonNode.Parse((string)attributes[name]!)!;
        string? SearchSourceQuery() =>
            attributes["kibanaSavedObjectMeta"]?["searchSourceJSON"] is { } s ? (string?)JsonNode.Parse((string)s!)!["query"]?["query"] : null;

        switch ((string)o["type"]!)
        {
            case "index-pattern":
                yield return new(id, (string)attributes["timeFieldName"]!, "date_histogram");
                foreach (var (field, _) in JsonNode.Parse((string?)attributes["fieldFormatMap"] ?? "{}")!.AsObject())
                {
                    yield return new(id, field, "format");
                }

                break;
            case "search":
                foreach (var column in attributes["columns"]!.AsArray())
                {
                    yield return new(id, (string)column!, "column");
                }

                foreach (var sort in attributes["sort"]!.AsArray())
                {
                    yield return new(id, (string)sort![0]!, "sort");
                }

                foreach (var use in Kql(SearchSourceQuery()))
                {
                    yield return use;
                }

                break;
            case "lens":
                var state = attributes["state"]!;
                foreach (var use in Kql((string?)state["query"]?["query"]))
                {
                    yield return use;
                }

                foreach (var (_, layer) in state["datasourceStates"]!["formBased"]!["layers"]!.AsObject())
                {
                    foreach (var (_, column) in layer!["columns"]!.AsObject())
                    {
                        var field = (string)column!["sourceField"]!;
                        if (field != "___records___")
                        {
                            yield return new(id, field, (string)column["operationType"]!);
                        }

                        foreach (var use in Kql((string?)column["filter"]?["query"]))
                        {
                            yield return use;
                        }
                    }
                }

                break;
            case "map":
                foreach (var layer in ParseString("layerListJSON").AsArray())
                {
                    var source = layer!["sourceDescriptor"]!;
                    if ((string?)source["geoField"] is { } geo)
                    {
                        yield return new(id, geo, "geo");
                    }

                    foreach (var metric in source["metrics"]?.AsArray() ?? [])
                    {
                        if ((string?)metric!["field"] is { } field)
                        {
                            yield return new(id, field, (string)metric["type"]! == "avg" ? "average" : (string)metric["type"]!);
                        }
                    }
                }

                foreach (var use in Kql((string?)ParseString("mapStateJSON")["query"]?["query"]))
                {
                    yield return use;
                }

                break;
            case "dashboard":
                foreach (var use in Kql(SearchSourceQuery()))
                {
                    yield return use;
                }

                break;
        }
    }

    /// <summary>The field names of a KQL query (<c>field:value</c>, <c>field:(a or b)</c>, <c>field:*</c>).</summary>
    internal static IReadOnlyList<string> KqlFields(string query) =>
        KqlField().Matches(QuotedText().Replace(query, "\"\"")).Select(m => m.Groups[1].Value).Distinct().ToList();

    private static bool Fits(string use, string type) => use switch
    {
        "date_histogram" => type == "date",
        "sum" or "average" or "percentile" or "max" or "min" or "median" => Numeric.Contains(type),
        "terms" or "unique_count" => type is "keyword" or "ip" or "boolean" || Numeric.Contains(type),
        "geo" => type == "geo_point",
        "format" => Numeric.Contains(type),
        _ => true,
    };

    [Fact]
    public void Every_line_is_an_importable_saved_object()
    {
        string[] types = ["index-pattern", "search", "lens", "map", "dashboard"];

        Assert.NotEmpty(Objects);
        foreach (var o in Objects)
        {
            Assert.Contains((string?)o["type"], types);
            Assert.False(string.IsNullOrEmpty((string?)o["id"]));
            Assert.False(string.IsNullOrEmpty((string?)o["attributes"]?["title"]), $"{o["id"]}: title");
            Assert.NotNull(o["references"]?.AsArray());
            Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)o["coreMigrationVersion"]);
            Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)o["typeMigrationVersion"]);
        }

        Assert.Equal(Objects.Count, Objects.Select(o => $"{o["type"]}/{o["id"]}").Distinct().Count());
    }

    [Fact]
    public void No_object_claims_a_migration_version_newer_than_Kibana_8_9_knows_for_its_type()
    {
        // Kibana refuses to import a document whose typeMigrationVersion is above the last migration it knows for
        // the type ("belongs to a more recent version of Kibana"). These are migrations known to exist in 8.9, the oldest
        // release the objects target; an export from a newer Kibana would carry higher ones.
        var lastKnownIn89 = new Dictionary<string, Version>
        {
            ["index-pattern"] = new(8, 0, 0),
            ["search"] = new(8, 0, 0),
            ["lens"] = new(8, 9, 0),
            ["map"] = new(8, 1, 0),
            ["dashboard"] = new(8, 7, 0),
        };

        foreach (var o in Objects)
        {
            var version = Version.Parse((string)o["typeMigrationVersion"]!);
            Assert.True(version <= lastKnownIn89[(string)o["type"]!], $"{o["type"]} {o["id"]}: typeMigrationVersion {version}");
            Assert.Equal("8.8.0", (string?)o["coreMigrationVersion"]);
        }
    }

    [Fact]
    public void No_object_is_stamped_with_a_7_x_migration_version_which_Kibana_9_no_longer_imports()
    {
        // Kibana 9 dropped the 7.x migrations: an object whose typeMigrationVersion or coreMigrationVersion is 7.x
        // cannot be imported there. Every version is at least 8.0.0, so the file imports into 8.9+ and 9.x alike.
        foreach (var o in Objects)
        {
            foreach (var field in new[] { "typeMigrationVersion", "coreMigrationVersion", "migrationVersion" })
            {
                if (o[field] is JsonValue value)
                {
                    Assert.True(Version.Parse((string)value!) >= new Version(8, 0, 0), $"{o["type"]} {o["id"]}: {field} {value}");
                }
            }

            // The legacy per-type map ({"search": "7.9.3"}) must not come back either.
            Assert.Null(o["migrationVersion"]);
        }
    }

    [Fact]
    public void The_data_view_is_smm_logs_with_timestamp_as_its_time_field()
    {
        var view = Assert.Single(Objects, o => (string)o["type"]! == "index-pattern");

        Assert.Equal("smm-logs-*", (string?)view["attributes"]!["title"]);
        Assert.Equal("@timestamp", (string?)view["attributes"]!["timeFieldName"]);
    }

    [Fact]
    public void The_three_dashboards_are_there_and_every_panel_fits_the_grid()
    {
        var dashboards = Objects.Where(o => (string)o["type"]! == "dashboard").ToList();

        Assert.Equal(["Canary Deployment Logs", "MCP Workflow Logs", "Model Router Log Analysis"],
            dashboards.Select(d => (string)d["attributes"]!["title"]!).Order());
        foreach (var d in dashboards)
        {
            var panels = JsonNode.Parse((string)d["attributes"]!["panelsJSON"]!)!.AsArray();
            Assert.True(panels.Count >= 4, $"{d["id"]} has only {panels.Count} panels");
            Assert.Contains(panels, p => (string)p!["type"]! == "search");
            foreach (var p in panels)
            {
                var grid = p!["gridData"]!;
                Assert.InRange((int)grid["x"]! + (int)grid["w"]!, 1, 48);
                Assert.Equal((string?)p["panelIndex"], (string?)grid["i"]);
            }
        }
    }

    [Fact]
    public void Every_reference_resolves_to_an_object_in_the_file_and_every_ref_name_is_declared()
    {
        var ids = Objects.Select(o => $"{o["type"]}/{o["id"]}").ToHashSet();
        foreach (var o in Objects)
        {
            var references = o["references"]!.AsArray().Select(r => r!).ToList();
            var names = references.Select(r => (string)r["name"]!).ToHashSet();
            Assert.All(references, r => Assert.Contains($"{r["type"]}/{r["id"]}", ids));

            var attributes = o["attributes"]!;
            switch ((string)o["type"]!)
            {
                case "dashboard":
                    foreach (var p in JsonNode.Parse((string)attributes["panelsJSON"]!)!.AsArray())
                    {
                        Assert.Contains($"{p!["panelIndex"]}:{p["panelRefName"]}", names);
                    }

                    break;
                case "search":
                    Assert.Contains((string)JsonNode.Parse((string)attributes["kibanaSavedObjectMeta"]!["searchSourceJSON"]!)!["indexRefName"]!, names);
                    break;
                case "lens":
                    foreach (var (layerId, _) in attributes["state"]!["datasourceStates"]!["formBased"]!["layers"]!.AsObject())
                    {
                        Assert.Contains($"indexpattern-datasource-layer-{layerId}", names);
                    }

                    break;
                case "map":
                    foreach (var layer in JsonNode.Parse((string)attributes["layerListJSON"]!)!.AsArray())
                    {
                        if ((string?)layer!["sourceDescriptor"]!["indexPatternRefName"] is { } refName)
                        {
                            Assert.Contains(refName, names);
                        }
                    }

                    break;
            }
        }
    }

    [Fact]
    public void Every_lens_accessor_is_a_column_of_its_layer()
    {
        foreach (var o in Objects.Where(o => (string)o["type"]! == "lens"))
        {
            var state = o["attributes"]!["state"]!;
            var layers = state["datasourceStates"]!["formBased"]!["layers"]!.AsObject();
            var columns = layers.SelectMany(l => l.Value!["columns"]!.AsObject().Select(c => c.Key)).ToHashSet();
            foreach (var (_, layer) in layers)
            {
                Assert.Equal(layer!["columns"]!.AsObject().Select(c => c.Key).Order(),
                    layer["columnOrder"]!.AsArray().Select(c => (string)c!).Order());
            }

            var accessors = AccessorIds(state["visualization"]!).ToList();
            Assert.NotEmpty(accessors);
            Assert.All(accessors, a => Assert.True(columns.Contains(a), $"{o["id"]}: accessor {a} is not a column"));
        }
    }

    private static IEnumerable<string> AccessorIds(JsonNode node)
    {
        string[] single = ["xAccessor", "splitAccessor", "columnId"];
        string[] many = ["accessors", "primaryGroups", "metrics"];
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (single.Contains(key) && value is JsonValue)
                    {
                        yield return (string)value!;
                    }
                    else if (many.Contains(key) && value is JsonArray ids && ids.All(i => i is JsonValue))
                    {
                        foreach (var i in ids)
                        {
                            yield return (string)i!;
                        }
                    }
                    else if (value is not null)
                    {
                        foreach (var id in AccessorIds(value))
                        {
                            yield return id;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var id in a.OfType<JsonNode>().SelectMany(AccessorIds))
                {
                    yield return id;
                }

                break;
        }
    }

    [Fact]
    public void Every_field_the_saved_objects_use_is_mapped_by_the_index_template_with_a_fitting_type()
    {
        var mapped = MappedFields();
        var uses = Objects.SelectMany(FieldUses).ToList();

        Assert.Contains(uses, u => u.Field == "client.geo.location" && u.Use == "geo");
        foreach (var use in uses)
        {
            Assert.True(mapped.TryGetValue(use.Field, out var type), $"{use.Object} uses {use.Field}, which the mappings do not define");
            Assert.True(Fits(use.Use, type!), $"{use.Object} uses {use.Field} ({type}) for {use.Use}");
        }
    }

    [Fact]
    public void The_dashboards_cover_the_fields_Kibana_users_asked_for()
    {
        var used = Objects.SelectMany(FieldUses).Select(u => u.Field).ToHashSet();
        string[] asked = ["error_category", "service_name", "latency_ms", "cost_usd", "token_count", "model_id", "workspace_id",
            "client.geo.location", "deployment_id", "level", "workflow_id", "mcp_protocol_version", "agent_type"];

        Assert.All(asked, f => Assert.Contains(f, used));
    }

    [Fact]
    public void Kql_field_extraction_ignores_values_and_quoted_text()
    {
        Assert.Equal(["deployment_id", "message", "client.geo.country_iso_code"],
            KqlFields("deployment_id:* and message:(promote or \"rolled back: now\") or client.geo.country_iso_code : GB"));
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedText();

    [GeneratedRegex(@"(?<![\w.@])([A-Za-z_@][\w.@]*)\s*:")]
    private static partial Regex KqlField();
}
