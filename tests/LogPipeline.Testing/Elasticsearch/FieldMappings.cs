using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>The mappings of one test index, and the document checks Elasticsearch makes against them that a log
/// pipeline runs into: a write to a field alias is refused, a scalar where an object is mapped is refused, an object
/// where a leaf is mapped is refused, a value that is not of the mapped type (ip, long, date, boolean) is refused.
/// Fields the mappings do not name are mapped on first use as Elasticsearch's dynamic mapping does with
/// <c>date_detection: false</c> (string → keyword, integer → long, fraction → float, boolean → boolean, object →
/// object), and later documents are checked against that. Thread-safe.</summary>
internal sealed class FieldMappings
{
    private const int MaxPathChars = 4096;
    private const string ObjectType = "object";

    private readonly ConcurrentDictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _typesBySpan;

    /// <param name="mappings">The merged <c>mappings</c> of the index (its templates' and its own), or null.</param>
    public FieldMappings(JsonObject? mappings)
    {
        _typesBySpan = _types.GetAlternateLookup<ReadOnlySpan<char>>();
        if (mappings?["properties"] is JsonObject properties)
        {
            Walk(properties, "");
        }
    }

    /// <summary>The merged mappings of component templates and an index template's own, in the order Elasticsearch
    /// applies them (later properties win).</summary>
    public static JsonObject Merge(IEnumerable<JsonObject?> mappings)
    {
        var merged = new JsonObject { ["properties"] = new JsonObject() };
        foreach (var m in mappings)
        {
            if (m?["properties"] is JsonObject properties)
            {
                MergeProperties((JsonObject)merged["properties"]!, properties);
            }
        }

        return merged;
    }

    private static void MergeProperties(JsonObject into, JsonObject from)
    {
        foreach (var (name, node) in from)
        {
            if (into[name] is JsonObject existing && existing["properties"] is JsonObject a && node?["properties"] is JsonObject b)
            {
                MergeProperties(a, b);
            }
            else
            {
                into[name] = node?.DeepClone();
            }
        }
    }

    private void Walk(JsonObject properties, string prefix)
    {
        foreach (var (name, node) in properties)
        {
            var path = prefix + name;
            if (node is not JsonObject definition)
            {
                continue;
            }

            var type = definition["type"]?.GetValue<string>() ?? (definition["properties"] is not null ? ObjectType : null);
            if (type is null)
            {
                continue;
            }

            _types[path] = type == "nested" ? ObjectType : type;
            if (definition["properties"] is JsonObject children)
            {
                Walk(children, path + ".");
            }
        }
    }

    /// <summary>The reason Elasticsearch would refuse <paramref name="source"/>, or null. New dynamic fields of an
    /// accepted document are remembered.</summary>
    public string? Check(ReadOnlySpan<byte> source, string id)
    {
        var path = ArrayPool<char>.Shared.Rent(MaxPathChars);
        try
        {
            var reader = new Utf8JsonReader(source);
            reader.Read();
            return CheckObject(ref reader, path, 0, id);
        }
        catch (JsonException)
        {
            // The source was validated as JSON before; nothing to add.
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(path);
        }
    }

    /// <summary>Checks the members of the object the reader is on (its StartObject), whose path is path[..length].</summary>
    private string? CheckObject(ref Utf8JsonReader reader, char[] path, int length, string id)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            if (length + 1 + nameLength > path.Length)
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            var start = length;
            if (length > 0)
            {
                path[start++] = '.';
            }

            var end = start + reader.CopyString(path.AsSpan(start));

            // A dotted name is a path: each part before the last must be able to be an object.
            for (var i = start; i < end; i++)
            {
                if (path[i] != '.')
                {
                    continue;
                }

                var parentType = TypeOf(path.AsSpan(0, i)) ?? Remember(path.AsSpan(0, i), ObjectType);
                if (parentType != ObjectType)
                {
                    return Refuse(parentType, path.AsSpan(0, i), id, "object");
                }
            }

            reader.Read();
            if (CheckValue(ref reader, path, end, id) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private string? CheckValue(ref Utf8JsonReader reader, char[] path, int length, string id)
    {
        var field = path.AsSpan(0, length);
        var type = TypeOf(field);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                if (type is null)
                {
                    type = Remember(field, ObjectType);
                }

                if (type == "alias")
                {
                    return $"Cannot write to a field alias [{field}].";
                }

                if (type == "geo_point" || type == "flattened")
                {
                    reader.Skip();
                    return null;
                }

                if (type != ObjectType)
                {
                    return Refuse(type, field, id, "object");
                }

                return CheckObject(ref reader, path, length, id);
            case JsonTokenType.StartArray:
                if (type == "geo_point")
                {
                    reader.Skip();
                    return null;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (CheckValue(ref reader, path, length, id) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case JsonTokenType.Null:
                return type == "alias" ? $"Cannot write to a field alias [{field}]." : null;
            default:
                type ??= Remember(field, DynamicType(ref reader));
                return CheckScalar(ref reader, type, field, id);
        }
    }

    private static string? CheckScalar(ref Utf8JsonReader reader, string type, ReadOnlySpan<char> field, string id)
    {
        var token = reader.TokenType;
        switch (type)
        {
            case "alias":
                return $"Cannot write to a field alias [{field}].";
            case ObjectType:
                return $"object mapping for [{field}] tried to parse field [{field}] as object, but found a concrete value";
            case "long" or "integer" or "short" or "byte" or "unsigned_long" or "double" or "float" or "half_float" or "scaled_float":
                var numeric = token == JsonTokenType.Number
                              || (token == JsonTokenType.String && double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                return numeric ? null : Refuse(type, field, id, token == JsonTokenType.String ? "string" : "boolean");
            case "boolean":
                var boolean = token is JsonTokenType.True or JsonTokenType.False
                              || (token == JsonTokenType.String && reader.GetString() is "true" or "false" or "");
                return boolean ? null : Refuse(type, field, id, token == JsonTokenType.String ? "string" : "number");
            case "ip":
                return token == JsonTokenType.String && IPAddress.TryParse(reader.GetString(), out _) ? null : Refuse(type, field, id, "value");
            case "date" or "date_nanos":
                var date = token == JsonTokenType.Number
                           || (token == JsonTokenType.String && DateTimeOffset.TryParseExact(reader.GetString(),
                               ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"],
                               CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                           || (token == JsonTokenType.String && IsNanosecondIsoTime(reader.GetString()!));
                return date ? null : Refuse(type, field, id, "value");
            default:
                return null;
        }
    }

    /// <summary>ISO 8601 with 8 or 9 fraction digits, which .NET's formats stop short of and Elasticsearch reads.</summary>
    private static bool IsNanosecondIsoTime(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var zone = text.LastIndexOfAny(['Z', '+', '-']);
        return dot > 0 && zone > dot && zone - dot - 1 is 8 or 9
               && DateTimeOffset.TryParse(string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(zone)), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);
    }

    private static string Refuse(string type, ReadOnlySpan<char> field, string id, string found) =>
        $"failed to parse field [{field}] of type [{type}] in document with id '{id}'. Preview of field's value: '{found}'";

    private static string DynamicType(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "keyword",
        JsonTokenType.Number => reader.TryGetInt64(out _) ? "long" : "float",
        _ => "boolean",
    };

    private string? TypeOf(ReadOnlySpan<char> field) => _typesBySpan.TryGetValue(field, out var type) ? type : null;

    private string Remember(ReadOnlySpan<char> field, string type) => _types.GetOrAdd(field.ToString(), type);
}
