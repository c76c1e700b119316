using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Enrichers.Rules;

/// <summary>Reads a rules file and lays it over the configured options of its section: a key the file sets replaces
/// the configured value as a whole (a list is not merged item by item, as configuration layers would), a key it
/// does not set keeps the configured value. The file is checked as strictly as the configuration: an unknown key (at
/// any depth), a value of the wrong type or a null where the option takes none refuses the file, and so does a key
/// that must not come from a rules file (a secret, a switch); such a key's value is never quoted.</summary>
internal static class RulesFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly JsonDocumentOptions Document = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The options of <paramref name="section"/> with the file at <paramref name="path"/> laid over
    /// <paramref name="configured"/>, validated by <paramref name="validate"/> (the section's own check, as at
    /// start).</summary>
    /// <param name="excluded">Keys a rules file must not set.</param>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="InvalidDataException">The file is refused; the message says which key and why.</exception>
    public static T Read<T>(string path, T configured, string section, IReadOnlyCollection<string> excluded, Func<T, string, IEnumerable<string>> validate)
        where T : class
    {
        var text = File.ReadAllText(path);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: Document) as JsonObject
                ?? throw new InvalidDataException($"the file is not a JSON object of {section} keys");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the file is not valid JSON ({e.Message})");
        }

        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod?.IsPublic == true && p.SetMethod?.IsPublic == true)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in root)
        {
            if (excluded.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"{section}:{key} cannot be set in a rules file (the value is not shown); set it in the configuration.");
            }

            if (!properties.ContainsKey(key))
            {
                var allowed = properties.Keys.Where(k => !excluded.Contains(k, StringComparer.OrdinalIgnoreCase));
                throw new InvalidDataException($"{section}:{key} is not a key of {section}; allowed: {string.Join(", ", allowed)}.");
            }

            set.Add(key);
        }

        T merged;
        try
        {
            merged = JsonSerializer.Deserialize<T>(text, Json)
                ?? throw new InvalidDataException($"the file is not a JSON object of {section} keys");
        }
        catch (JsonException e)
        {
            // The message names the JSON path and the expected type, never the value.
            throw new InvalidDataException($"{section}: {e.Message}");
        }

        foreach (var property in properties.Values.Where(p => !set.Contains(p.Name)))
        {
            property.SetValue(merged, property.GetValue(configured));
        }

        List<string> problems;
        try
        {
            problems = validate(merged, section).ToList();
        }
        catch (Exception e) when (e is NullReferenceException or ArgumentException or InvalidOperationException)
        {
            // A shape the configuration binder never produces (a null inside a list): the check could not run.
            throw new InvalidDataException($"{section}: the rules could not be checked ({e.Message}); look for a null or empty item.");
        }

        return problems.Count == 0 ? merged : throw new InvalidDataException(string.Join(" ", problems));
    }
}
