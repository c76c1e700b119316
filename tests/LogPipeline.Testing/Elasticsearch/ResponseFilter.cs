using System.Buffers;
using System.Text.Json;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Elasticsearch's <c>filter_path</c> response filtering, as its common options document it: a
/// comma-separated list of dotted paths; <c>*</c> matches any part of one name, <c>**</c> any number of names;
/// arrays are transparent (a path names object properties only); objects and arrays left empty by the filter are
/// left out, so a response that keeps nothing is <c>{}</c>. Error responses are not filtered (Elasticsearch
/// builds them without the filter). Exclusive paths (<c>-path</c>) are refused with 400: this test server does
/// not implement them, and silently ignoring one would answer differently from Elasticsearch.</summary>
internal sealed class ResponseFilter
{
    private readonly string[][] _paths;

    private ResponseFilter(string[][] paths) => _paths = paths;

    /// <summary>The filter of a <c>filter_path</c> query value; null when the value is null or empty.</summary>
    public static ResponseFilter? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var paths = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (paths.Any(p => p.StartsWith('-')))
        {
            throw new EsErrorException(400, "illegal_argument_exception",
                $"the test server does not implement exclusive filter_path entries: [{value}]");
        }

        return paths.Length == 0 ? null : new ResponseFilter(paths.Select(p => p.Split('.')).ToArray());
    }

    /// <summary>Writes the filtered form of the JSON object <paramref name="json"/> to <paramref name="output"/>.</summary>
    public void Apply(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json);
        using var writer = new Utf8JsonWriter(output);
        var filtered = new FilteredJsonWriter(writer, this);
        string? name = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    name = reader.GetString();
                    continue;
                case JsonTokenType.StartObject:
                    filtered.WriteStartObject(name);
                    break;
                case JsonTokenType.StartArray:
                    filtered.WriteStartArray(name);
                    break;
                case JsonTokenType.EndObject:
                    filtered.WriteEndObject();
                    break;
                case JsonTokenType.EndArray:
                    filtered.WriteEndArray();
                    break;
                default:
                    filtered.WriteRawValue(name, json[(int)reader.TokenStartIndex..(int)reader.BytesConsumed]);
                    break;
            }

            name = null;
        }
    }

    /// <summary>How the filter treats the value at <paramref name="path"/> (object property names from the root).</summary>
    public ResponseFilterMatch Evaluate(IReadOnlyList<string> path)
    {
        var best = ResponseFilterMatch.None;
        foreach (var pattern in _paths)
        {
            var m = Evaluate(pattern, 0, path, 0);
            if (m > best)
            {
                best = m;
            }
        }

        return best;
    }

    // Full: the pattern is used up by a prefix of the path (the value is inside what it names). Partial: the path
    // is used up first, so a descendant may still match.
    private static ResponseFilterMatch Evaluate(string[] pattern, int p, IReadOnlyList<string> path, int i)
    {
        if (p == pattern.Length)
        {
            return ResponseFilterMatch.Full;
        }

        if (i == path.Count)
        {
            return ResponseFilterMatch.Partial;
        }

        if (pattern[p] == "**")
        {
            // Zero names, or this name and the same '**' again.
            var skip = Evaluate(pattern, p + 1, path, i);
            if (skip == ResponseFilterMatch.Full)
            {
                return skip;
            }

            var more = Evaluate(pattern, p, path, i + 1);
            return more > skip ? more : skip;
        }

        return Glob(pattern[p], path[i]) ? Evaluate(pattern, p + 1, path, i + 1) : ResponseFilterMatch.None;
    }

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.SequenceEqual(name);
        }

        if (!name.StartsWith(pattern[..star]))
        {
            return false;
        }

        var rest = pattern[(star + 1)..];
        for (var k = star; k <= name.Length; k++)
        {
            if (Glob(rest, name[k..]))
            {
                return true;
            }
        }

        return false;
    }
}
