using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>ILM policies, templates, data streams, indices and aliases, validated the way Elasticsearch does
/// for the parts the worker uses.</summary>
internal sealed partial class ElasticsearchTestServer
{
    private static readonly HashSet<string> PhaseNames = ["hot", "warm", "cold", "frozen", "delete"];

    private static readonly Dictionary<string, HashSet<string>> ActionsByPhase = new()
    {
        ["hot"] = ["rollover", "set_priority", "unfollow", "readonly", "shrink", "forcemerge", "searchable_snapshot", "downsample"],
        ["warm"] = ["set_priority", "unfollow", "readonly", "allocate", "migrate", "shrink", "forcemerge", "downsample"],
        ["cold"] = ["set_priority", "unfollow", "readonly", "searchable_snapshot", "allocate", "migrate", "downsample"],
        ["frozen"] = ["unfollow", "searchable_snapshot"],
        ["delete"] = ["wait_for_snapshot", "delete"],
    };

    private static readonly HashSet<string> RolloverConditions =
    [
        "max_age", "max_docs", "max_size", "max_primary_shard_size", "max_primary_shard_docs",
        "min_age", "min_docs", "min_size", "min_primary_shard_size", "min_primary_shard_docs",
    ];

    /// <summary>The index settings the templates may carry (a subset of what Elasticsearch knows; enough that a
    /// typo or a setting newer than the release is refused). <c>ignore_dynamic_beyond_limit</c> exists from 8.13.</summary>
    private static readonly HashSet<string> KnownSettings =
    [
        "index.number_of_shards", "index.number_of_replicas", "index.refresh_interval", "index.codec", "index.hidden",
        "index.lifecycle.name", "index.lifecycle.rollover_alias", "index.lifecycle.prefer_ilm", "index.default_pipeline",
        "index.final_pipeline", "index.mapping.ignore_malformed", "index.mapping.coerce", "index.mapping.total_fields.limit",
        "index.mapping.total_fields.ignore_dynamic_beyond_limit", "index.mapping.depth.limit", "index.mapping.nested_fields.limit",
        "index.mapping.field_name_length.limit", "index.query.default_field", "index.sort.field", "index.sort.order",
    ];

    private static readonly HashSet<string> FieldTypes =
    [
        "keyword", "text", "match_only_text", "wildcard", "constant_keyword", "long", "integer", "short", "byte",
        "unsigned_long", "double", "float", "half_float", "scaled_float", "date", "date_nanos", "boolean", "ip",
        "geo_point", "geo_shape", "object", "nested", "flattened", "alias", "binary", "dense_vector", "version",
    ];

    // ---- ILM ----

    /// <summary>Serverless has no ILM: its APIs answer 410, as Elastic Cloud Serverless does.</summary>
    private void RequireIlm(string method, string name)
    {
        if (Version.IsServerless)
        {
            throw new EsErrorException(410, "api_not_available_exception",
                $"Request for uri [/_ilm/policy/{name}] with method [{method}] exists but is not available when running in serverless mode");
        }
    }

    private (int, byte[]?) GetIlmPolicy(string name)
    {
        RequireIlm("GET", name);
        lock (_lock)
        {
            if (!_ilmPolicies.TryGetValue(name, out var entry))
            {
                throw new EsErrorException(404, "resource_not_found_exception", $"Lifecycle policy not found: {name}");
            }

            var response = new JsonObject { [name] = entry.DeepClone() };
            return (200, JsonSerializer.SerializeToUtf8Bytes(response));
        }
    }

    private (int, byte[]?) PutIlmPolicy(string name, byte[] body)
    {
        RequireIlm("PUT", name);
        var root = ParseObject(body);
        ExpectOnly(root, "put_lifecycle_request", "policy");
        var policy = root["policy"] as JsonObject ?? throw Parse("[put_lifecycle_request] policy is required and must be an object");
        ValidatePolicy(name, policy);
        lock (_lock)
        {
            var version = _ilmPolicies.TryGetValue(name, out var old) ? old["version"]!.GetValue<long>() + 1 : 1;
            _ilmPolicies[name] = new JsonObject
            {
                ["version"] = version,
                ["modified_date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["policy"] = policy.DeepClone(),
                ["in_use_by"] = new JsonObject { ["indices"] = new JsonArray(), ["data_streams"] = new JsonArray(), ["composable_templates"] = new JsonArray() },
            };
        }

        return (200, Acknowledged());
    }

    private static void ValidatePolicy(string name, JsonObject policy)
    {
        ExpectOnly(policy, "lifecycle_policy", "phases", "_meta", "deprecated");
        var phases = policy["phases"] as JsonObject ?? throw Parse("[lifecycle_policy] phases is required and must be an object");
        foreach (var (phaseName, phaseNode) in phases)
        {
            if (!PhaseNames.Contains(phaseName))
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"Timeseries lifecycle does not support phase [{phaseName}]");
            }

            var phase = phaseNode as JsonObject ?? throw Parse($"[phase] {phaseName} must be an object");
            ExpectOnly(phase, "phase", "min_age", "actions");
            if (phase["min_age"] is { } minAge && !TimeValue().IsMatch(minAge.ToString()))
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"failed to parse setting [min_age] with value [{minAge}] as a time value: unit is missing or unrecognized");
            }

            var actions = phase["actions"] as JsonObject ?? new JsonObject();
            foreach (var (actionName, actionNode) in actions)
            {
                if (!ActionsByPhase.Values.Any(a => a.Contains(actionName)))
                {
                    throw Parse($"[phase] failed to parse field [actions]: unknown LifecycleAction [{actionName}]");
                }

                if (!ActionsByPhase[phaseName].Contains(actionName))
                {
                    throw new EsErrorException(400, "illegal_argument_exception", $"invalid action [{actionName}] defined in phase [{phaseName}]");
                }

                var action = actionNode as JsonObject ?? throw Parse($"[{actionName}] must be an object");
                switch (actionName)
                {
                    case "rollover":
                        ExpectOnlySet(action, "rollover", RolloverConditions);
                        if (!action.Any(p => p.Key.StartsWith("max_", StringComparison.Ordinal)))
                        {
                            throw new EsErrorException(400, "illegal_argument_exception", "At least one max_* rollover condition must be set.");
                        }

                        foreach (var (key, value) in action)
                        {
                            var text = value?.ToString() ?? "";
                            var ok = key.EndsWith("_size", StringComparison.Ordinal) ? SizeValue().IsMatch(text)
                                : key.EndsWith("_age", StringComparison.Ordinal) ? TimeValue().IsMatch(text)
                                : long.TryParse(text, CultureInfo.InvariantCulture, out _);
                            if (!ok)
                            {
                                throw new EsErrorException(400, "illegal_argument_exception", $"failed to parse [{key}] with value [{text}] in policy [{name}]");
                            }
                        }

                        break;
                    case "delete":
                        ExpectOnly(action, "delete", "delete_searchable_snapshot");
                        break;
                    case "set_priority":
                        ExpectOnly(action, "set_priority", "priority");
                        if (action["priority"] is JsonValue p && (!p.TryGetValue<int>(out var prio) || prio < 0))
                        {
                            throw new EsErrorException(400, "illegal_argument_exception", "[priority] must be 0 or greater");
                        }

                        break;
                }
            }
        }
    }

    // ---- templates ----

    private (int, byte[]?) GetTemplate(Dictionary<string, JsonObject> map, string arrayName, string itemName, string name)
    {
        lock (_lock)
        {
            var matches = map.Where(kv => Glob(name, kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            if (matches.Count == 0)
            {
                var what = itemName == "component_template" ? "component template" : "index template";
                throw new EsErrorException(404, "resource_not_found_exception", $"{what} matching [{name}] not found");
            }

            var array = new JsonArray();
            foreach (var (key, value) in matches)
            {
                array.Add(new JsonObject { ["name"] = key, [itemName] = value.DeepClone() });
            }

            return (200, JsonSerializer.SerializeToUtf8Bytes(new JsonObject { [arrayName] = array }));
        }
    }

    private (int, byte[]?) PutComponentTemplate(string name, byte[] body, bool create)
    {
        var root = ParseObject(body);
        ExpectOnly(root, "component_template", "template", "version", "_meta", "allow_auto_create", "deprecated");
        var template = root["template"] as JsonObject ?? throw new EsErrorException(400, "action_request_validation_exception", "Validation Failed: 1: template is required;");
        ValidateTemplateBody(template);
        lock (_lock)
        {
            if (create && _componentTemplates.ContainsKey(name))
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"component template [{name}] already exists");
            }

            _componentTemplates[name] = root;
        }

        return (200, Acknowledged());
    }

    private (int, byte[]?) PutIndexTemplate(string name, byte[] body, bool create)
    {
        var root = ParseObject(body);
        ExpectOnly(root, "index_template", "index_patterns", "composed_of", "template", "priority", "version", "_meta",
            "data_stream", "allow_auto_create", "ignore_missing_component_templates", "deprecated");
        var patterns = Strings(root["index_patterns"]);
        if (patterns.Count == 0)
        {
            throw new EsErrorException(400, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;");
        }

        if (root["template"] is JsonObject template)
        {
            ValidateTemplateBody(template);
        }

        var priority = root["priority"]?.GetValue<long>() ?? 0;
        lock (_lock)
        {
            if (create && _indexTemplates.ContainsKey(name))
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"index template [{name}] already exists");
            }

            var missing = Strings(root["composed_of"]).Where(c => !_componentTemplates.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                throw new EsErrorException(400, "invalid_index_template_exception",
                    $"index_template [{name}] invalid, cause [index template [{name}] specifies component templates [{string.Join(", ", missing)}] that do not exist]");
            }

            foreach (var (other, otherBody) in _indexTemplates)
            {
                if (other == name || (otherBody["priority"]?.GetValue<long>() ?? 0) != priority)
                {
                    continue;
                }

                var otherPatterns = Strings(otherBody["index_patterns"]);
                if (patterns.Any(p => otherPatterns.Any(o => Glob(p, o) || Glob(o, p))))
                {
                    throw new EsErrorException(400, "illegal_argument_exception",
                        $"index template [{name}] has index patterns [{string.Join(", ", patterns)}] matching patterns from existing templates [{other}] with patterns ({other} => [{string.Join(", ", otherPatterns)}]) that have the same priority [{priority}], multiple index templates may not match during index creation, please use a different priority");
                }
            }

            _indexTemplates[name] = root;
        }

        return (200, Acknowledged());
    }

    private void ValidateTemplateBody(JsonObject template)
    {
        ExpectOnly(template, "template", "settings", "mappings", "aliases", "lifecycle", "data_stream_options");
        if (template["settings"] is JsonObject settings)
        {
            ValidateSettings(settings);
        }

        if (template["lifecycle"] is { } lifecycle)
        {
            ValidateLifecycle(lifecycle);
        }

        if (template["mappings"] is JsonObject mappings)
        {
            ValidateMappings(mappings);
        }
    }

    /// <summary>Index settings as Elasticsearch checks them: every key must be a setting this release knows
    /// (<c>index.</c> is implied), and Serverless refuses the ILM ones.</summary>
    private void ValidateSettings(JsonObject settings)
    {
        var flat = new List<string>();
        Flatten(settings, "", flat);
        foreach (var key in flat)
        {
            var full = key.StartsWith("index.", StringComparison.Ordinal) ? key : "index." + key;
            if (!KnownSettings.Contains(full) || (full == "index.mapping.total_fields.ignore_dynamic_beyond_limit" && Version.Version < new Version(8, 13)))
            {
                throw new EsErrorException(400, "illegal_argument_exception",
                    $"unknown setting [{full}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings");
            }

            if (Version.IsServerless && full.StartsWith("index.lifecycle.", StringComparison.Ordinal))
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"Settings [{full}] are not available when running in serverless mode");
            }
        }

        static void Flatten(JsonObject node, string prefix, List<string> keys)
        {
            foreach (var (key, value) in node)
            {
                if (value is JsonObject child)
                {
                    Flatten(child, prefix + key + ".", keys);
                }
                else
                {
                    keys.Add(prefix + key);
                }
            }
        }
    }

    /// <summary>The data stream lifecycle of a template: <c>{"data_retention": "30d", "enabled": true}</c>.</summary>
    private static void ValidateLifecycle(JsonNode lifecycle)
    {
        var body = lifecycle as JsonObject ?? throw Parse("[lifecycle] must be an object");
        ExpectOnly(body, "lifecycle", "data_retention", "enabled", "downsampling");
        if (body["data_retention"] is { } retention && !TimeValue().IsMatch(retention.ToString()))
        {
            throw new EsErrorException(400, "illegal_argument_exception",
                $"failed to parse setting [data_retention] with value [{retention}] as a time value: unit is missing or unrecognized");
        }
    }

    private static void ValidateMappings(JsonObject mappings)
    {
        var concrete = new HashSet<string>(StringComparer.Ordinal);
        var aliases = new List<(string Field, string Path)>();
        if (mappings["properties"] is JsonObject properties)
        {
            Walk(properties, "", concrete, aliases);
        }

        foreach (var (field, path) in aliases)
        {
            if (!concrete.Contains(path))
            {
                throw new EsErrorException(400, "mapper_parsing_exception",
                    $"Invalid [path] value [{path}] for field alias [{field}]: an alias must refer to an existing field in the mappings.");
            }
        }

        static void Walk(JsonObject properties, string prefix, HashSet<string> concrete, List<(string, string)> aliases)
        {
            foreach (var (name, node) in properties)
            {
                var field = prefix + name;
                var definition = node as JsonObject ?? throw new EsErrorException(400, "mapper_parsing_exception", $"Expected map for property [fields] on field [{field}]");
                var type = definition["type"]?.GetValue<string>() ?? "object";
                if (!FieldTypes.Contains(type))
                {
                    throw new EsErrorException(400, "mapper_parsing_exception", $"No handler for type [{type}] declared on field [{name}]");
                }

                if (type == "scaled_float" && definition["scaling_factor"] is null)
                {
                    throw new EsErrorException(400, "mapper_parsing_exception", $"Failed to parse mapping: Field [scaling_factor] is required for field [{field}]");
                }

                if (type == "alias")
                {
                    aliases.Add((field, definition["path"]?.GetValue<string>() ?? ""));
                }
                else if (definition["properties"] is JsonObject children)
                {
                    Walk(children, field + ".", concrete, aliases);
                }
                else
                {
                    concrete.Add(field);
                }
            }
        }
    }

    /// <summary>The highest-priority index template whose patterns match <paramref name="index"/>.</summary>
    private (string Name, JsonObject Body)? MatchTemplate(string index)
    {
        (string, JsonObject)? best = null;
        long bestPriority = -1;
        foreach (var (name, body) in _indexTemplates)
        {
            var priority = body["priority"]?.GetValue<long>() ?? 0;
            if (priority > bestPriority && Strings(body["index_patterns"]).Any(p => Glob(p, index)))
            {
                best = (name, body);
                bestPriority = priority;
            }
        }

        return best;
    }

    // ---- data streams, indices, aliases ----

    private (int, byte[]?) GetDataStream(string name)
    {
        lock (_lock)
        {
            var streams = _dataStreams.Values.Where(d => Glob(name, d.Name)).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
            if (streams.Count == 0 && !name.Contains('*', StringComparison.Ordinal))
            {
                throw new EsErrorException(404, "index_not_found_exception", $"no such index [{name}]");
            }

            var array = new JsonArray();
            foreach (var d in streams)
            {
                var indices = new JsonArray();
                foreach (var i in d.BackingIndices)
                {
                    indices.Add(new JsonObject { ["index_name"] = i.Name, ["index_uuid"] = i.Uuid });
                }

                array.Add(new JsonObject
                {
                    ["name"] = d.Name,
                    ["timestamp_field"] = new JsonObject { ["name"] = "@timestamp" },
                    ["indices"] = indices,
                    ["generation"] = d.BackingIndices.Count,
                    ["status"] = "GREEN",
                    ["template"] = d.Template,
                    ["hidden"] = false,
                    ["system"] = false,
                });
            }

            return (200, JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["data_streams"] = array }));
        }
    }

    private (int, byte[]?) PutDataStream(string name)
    {
        lock (_lock)
        {
            CreateDataStream(name);
        }

        return (200, Acknowledged());
    }

    private TestDataStream CreateDataStream(string name)
    {
        ValidateIndexName(name);
        if (_dataStreams.ContainsKey(name))
        {
            throw new EsErrorException(400, "resource_already_exists_exception", $"data_stream [{name}] already exists");
        }

        if (_indices.ContainsKey(name) || _aliases.ContainsKey(name))
        {
            throw new EsErrorException(400, "illegal_argument_exception", $"data_stream [{name}] conflicts with index or alias [{name}]");
        }

        var template = MatchTemplate(name);
        if (template is null || template.Value.Body["data_stream"] is null)
        {
            throw new EsErrorException(400, "illegal_argument_exception", $"no matching index template found for data stream [{name}]");
        }

        var stream = new TestDataStream(name, template.Value.Name);
        var backing = new TestIndex($".ds-{name}-{DateTime.UtcNow:yyyy.MM.dd}-000001", name, null, InitialIndexCapacity);
        stream.BackingIndices.Add(backing);
        _indices[backing.Name] = backing;
        _dataStreams[name] = stream;
        return stream;
    }

    private (int, byte[]?) DeleteDataStream(string name)
    {
        lock (_lock)
        {
            if (!_dataStreams.Remove(name, out var stream))
            {
                throw new EsErrorException(404, "index_not_found_exception", $"no such index [{name}]");
            }

            foreach (var i in stream.BackingIndices)
            {
                _indices.Remove(i.Name);
            }
        }

        return (200, Acknowledged());
    }

    private (int, byte[]?) PutIndex(string name, byte[] body)
    {
        var root = body.Length == 0 ? new JsonObject() : ParseObject(body);
        ExpectOnly(root, "create_index_request", "settings", "mappings", "aliases");
        if (root["settings"] is JsonObject indexSettings)
        {
            ValidateSettings(indexSettings);
        }

        lock (_lock)
        {
            ValidateIndexName(name);
            if (_indices.TryGetValue(name, out var existing))
            {
                throw new EsErrorException(400, "resource_already_exists_exception", $"index [{name}/{existing.Uuid}] already exists");
            }

            if (_dataStreams.ContainsKey(name) || _aliases.ContainsKey(name))
            {
                throw new EsErrorException(400, "invalid_index_name_exception", $"Invalid index name [{name}], already exists as alias or data stream");
            }

            if (MatchTemplate(name) is { } t && t.Body["data_stream"] is not null)
            {
                throw new EsErrorException(400, "illegal_argument_exception",
                    $"cannot create index with name [{name}], because it matches with template [{t.Name}] that creates data streams only, use create data stream api instead");
            }

            var aliases = root["aliases"] as JsonObject ?? new JsonObject();
            foreach (var (alias, spec) in aliases)
            {
                if (_indices.ContainsKey(alias) || _dataStreams.ContainsKey(alias))
                {
                    throw new EsErrorException(400, "invalid_alias_name_exception", $"Invalid alias name [{alias}]: an index or data stream exists with the same name as the alias");
                }

                if (spec?["is_write_index"]?.GetValue<bool>() == true && _aliases.TryGetValue(alias, out var members) && members.Values.Any(w => w))
                {
                    throw new EsErrorException(400, "illegal_state_exception", $"alias [{alias}] has more than one write index");
                }
            }

            _indices[name] = new TestIndex(name, null, root["settings"] as JsonObject, InitialIndexCapacity);
            foreach (var (alias, spec) in aliases)
            {
                if (!_aliases.TryGetValue(alias, out var members))
                {
                    _aliases[alias] = members = new Dictionary<string, bool>(StringComparer.Ordinal);
                }

                members[name] = spec?["is_write_index"]?.GetValue<bool>() == true;
            }
        }

        return (200, Json(w =>
        {
            w.WriteBoolean("acknowledged", true);
            w.WriteBoolean("shards_acknowledged", true);
            w.WriteString("index", name);
        }));
    }

    private (int, byte[]?) GetIndex(string target)
    {
        lock (_lock)
        {
            var response = new JsonObject();
            foreach (var index in ResolveRead(target, allowMissing: false))
            {
                var aliases = new JsonObject();
                foreach (var (alias, members) in _aliases)
                {
                    if (members.TryGetValue(index.Name, out var write))
                    {
                        aliases[alias] = new JsonObject { ["is_write_index"] = write };
                    }
                }

                response[index.Name] = new JsonObject
                {
                    ["aliases"] = aliases,
                    ["mappings"] = new JsonObject(),
                    ["settings"] = new JsonObject { ["index"] = new JsonObject { ["uuid"] = index.Uuid } },
                    ["data_stream"] = index.DataStream,
                };
            }

            return (200, JsonSerializer.SerializeToUtf8Bytes(response));
        }
    }

    private (int, byte[]?) DeleteIndex(string name)
    {
        lock (_lock)
        {
            if (!_indices.TryGetValue(name, out var index))
            {
                throw new EsErrorException(404, "index_not_found_exception", $"no such index [{name}]");
            }

            if (index.DataStream is not null)
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"index [{name}] is the write index for data stream [{index.DataStream}] and cannot be deleted");
            }

            _indices.Remove(name);
            foreach (var alias in _aliases.Keys.ToList())
            {
                if (_aliases[alias].Remove(name) && _aliases[alias].Count == 0)
                {
                    _aliases.Remove(alias);
                }
            }
        }

        return (200, Acknowledged());
    }

    private (int, byte[]?) GetAlias(string name)
    {
        lock (_lock)
        {
            if (!_aliases.TryGetValue(name, out var members))
            {
                // Elasticsearch answers a missing alias with this short shape, not the usual error object.
                return (404, Json(w =>
                {
                    w.WriteString("error", $"alias [{name}] missing");
                    w.WriteNumber("status", 404);
                }));
            }

            var response = new JsonObject();
            foreach (var (index, write) in members)
            {
                response[index] = new JsonObject { ["aliases"] = new JsonObject { [name] = new JsonObject { ["is_write_index"] = write } } };
            }

            return (200, JsonSerializer.SerializeToUtf8Bytes(response));
        }
    }

    private (int, byte[]?) GetDoc(string target, string id)
    {
        StoredDocument doc = default;
        string? index = null;
        lock (_lock)
        {
            foreach (var candidate in ResolveRead(target, allowMissing: false))
            {
                if (candidate.Documents.TryGetValue(id, out doc))
                {
                    index = candidate.Name;
                    break;
                }
            }
        }

        var found = index is not null;
        return (found ? 200 : 404, Json(w =>
        {
            w.WriteString("_index", index ?? target);
            w.WriteString("_id", id);
            w.WriteBoolean("found", found);
            if (found)
            {
                w.WriteNumber("_version", doc.Version);
                w.WritePropertyName("_source");
                w.WriteRawValue(doc.Source, skipInputValidation: true);
            }
        }));
    }

    /// <summary>Indices a read target names. Call under the lock.</summary>
    private List<TestIndex> ResolveRead(string target, bool allowMissing)
    {
        var result = new List<TestIndex>();
        foreach (var part in target.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Contains('*', StringComparison.Ordinal))
            {
                var hidden = part.StartsWith('.');
                foreach (var d in _dataStreams.Values.Where(d => Glob(part, d.Name)))
                {
                    result.AddRange(d.BackingIndices);
                }

                foreach (var (alias, members) in _aliases.Where(a => Glob(part, a.Key)))
                {
                    result.AddRange(members.Keys.Select(n => _indices[n]));
                }

                result.AddRange(_indices.Values.Where(i => (hidden || !i.Name.StartsWith('.')) && Glob(part, i.Name)));
            }
            else if (_dataStreams.TryGetValue(part, out var stream))
            {
                result.AddRange(stream.BackingIndices);
            }
            else if (_aliases.TryGetValue(part, out var members))
            {
                result.AddRange(members.Keys.Select(n => _indices[n]));
            }
            else if (_indices.TryGetValue(part, out var index))
            {
                result.Add(index);
            }
            else if (!allowMissing)
            {
                throw new EsErrorException(404, "index_not_found_exception", $"no such index [{part}]");
            }
        }

        return result.Distinct().ToList();
    }

    private (int, byte[]?) Delete(Dictionary<string, JsonObject> map, string name, string type, string reason)
    {
        lock (_lock)
        {
            if (!map.Remove(name))
            {
                throw new EsErrorException(404, type, reason);
            }
        }

        return (200, Acknowledged());
    }

    // ---- helpers ----

    private static void ValidateIndexName(string name)
    {
        if (name.Length == 0 || name != name.ToLowerInvariant() || name[0] is '_' or '-' or '+' || name.IndexOfAny(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) >= 0)
        {
            throw new EsErrorException(400, "invalid_index_name_exception", $"Invalid index name [{name}], must be lowercase and must not contain special characters or start with '_', '-' or '+'");
        }
    }

    private static JsonObject ParseObject(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw Parse("request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw Parse($"Failed to parse object: {e.Message}");
        }
    }

    private static void ExpectOnly(JsonObject obj, string parser, params string[] allowed) => ExpectOnlySet(obj, parser, new HashSet<string>(allowed, StringComparer.Ordinal));

    private static void ExpectOnlySet(JsonObject obj, string parser, IReadOnlySet<string> allowed)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key))
            {
                throw Parse($"[{parser}] unknown field [{key}]");
            }
        }
    }

    private static EsErrorException Parse(string reason) => new(400, "x_content_parse_exception", reason);

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(n => n?.GetValue<string>() ?? "").ToList(),
        JsonValue v => [v.GetValue<string>()],
        _ => [],
    };

    internal static bool Glob(string pattern, string text)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, text, StringComparison.Ordinal);
        }

        var regex = "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(text, regex, RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"^-?\d+(\.\d+)?(d|h|m|s|ms|micros|nanos)$")]
    private static partial Regex TimeValue();

    [GeneratedRegex(@"^\d+(\.\d+)?(b|kb|mb|gb|tb|pb)$", RegexOptions.IgnoreCase)]
    private static partial Regex SizeValue();
}
