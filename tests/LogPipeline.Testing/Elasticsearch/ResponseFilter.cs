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
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidOperationException("a response to filter must be a JSON object");
        }

        // Containers are opened in the output only once something inside them is kept.
        var pending = new List<(string? Name, bool Array)>();
        var opened = 0;
        var path = new List<string>();
        writer.WriteStartObject();
        FilterObject(ref reader, json, writer, path, pending, ref opened);
        writer.WriteEndObject();
    }

    // Positioned on an object's StartObject that is already open or pending; returns on its EndObject.
    private void FilterObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Utf8JsonWriter writer, List<string> path,
        List<(string? Name, bool Array)> pending, ref int opened)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            path.Add(name);
            FilterValue(ref reader, json, writer, path, name, pending, ref opened);
            path.RemoveAt(path.Count - 1);
        }
    }

    // Positioned on the first token of a value named name (null in an array).
    private void FilterValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Utf8JsonWriter writer, List<string> path, string? name,
        List<(string? Name, bool Array)> pending, ref int opened)
    {
        var match = Evaluate(path);
        if (match == ResponseFilterMatch.None)
        {
            reader.Skip();
            return;
        }

        if (match == ResponseFilterMatch.Full)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            OpenPending(writer, pending, ref opened);
            if (name is not null)
            {
                writer.WritePropertyName(name);
            }

            writer.WriteRawValue(json[start..(int)reader.BytesConsumed]);
            return;
        }

        // Partial: only a container can hold what a longer path names.
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var isArray = reader.TokenType == JsonTokenType.StartArray;
        var depth = pending.Count;
        pending.Add((name, isArray));
        if (isArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                FilterValue(ref reader, json, writer, path, null, pending, ref opened);
            }
        }
        else
        {
            FilterObject(ref reader, json, writer, path, pending, ref opened);
        }

        if (opened > depth)
        {
            if (isArray)
            {
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteEndObject();
            }

            opened = depth;
        }

        pending.RemoveAt(depth);
    }

    private static void OpenPending(Utf8JsonWriter writer, List<(string? Name, bool Array)> pending, ref int opened)
    {
        for (; opened < pending.Count; opened++)
        {
            var (name, array) = pending[opened];
            if (name is not null)
            {
                writer.WritePropertyName(name);
            }

            if (array)
            {
                writer.WriteStartArray();
            }
            else
            {
                writer.WriteStartObject();
            }
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
