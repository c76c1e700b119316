using System.Text.Json;
using System.Text.RegularExpressions;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>What a masked record says, read the way a Kibana user or an attacker would read it: every key, string
/// and number decoded from JSON at any depth, and inside strings that hold JSON, decoded again. A planted value
/// found in any of these forms is a leak, whatever escaping hid it from a byte comparison.</summary>
internal sealed partial class MaskedOutput
{
    private readonly List<string> _texts = [];

    public MaskedOutput(string json)
    {
        Raw = json;
        _texts.Add(json);
        using var document = JsonDocument.Parse(json);
        Collect(document.RootElement, depth: 0);
    }

    public string Raw { get; }

    /// <summary>Whether <paramref name="value"/> is in the raw output or in any decoded key, string or number.</summary>
    public bool Contains(string value) => _texts.Any(t => t.Contains(value, StringComparison.Ordinal));

    /// <summary>Paths (in <paramref name="input"/>) of strings that held a JSON object or array before masking and
    /// no longer parse as JSON afterwards. A string masked whole (<c>[redacted]</c>) is not broken JSON: its key
    /// said the whole value was a secret.</summary>
    public static IReadOnlyList<string> BrokenInnerJson(string input, string output)
    {
        using var before = JsonDocument.Parse(input);
        using var after = JsonDocument.Parse(output);
        var broken = new List<string>();
        Compare(before.RootElement, after.RootElement, "$", broken, depth: 0);
        return broken;
    }

    [GeneratedRegex(@"^\[[a-z_]+(:[0-9a-f]+)?\]$")]
    private static partial Regex WholeMarker();

    private void Collect(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _texts.Add(Name(property));
                    Collect(property.Value, depth);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, depth);
                }

                break;
            case JsonValueKind.String:
                var text = Decode(element);
                _texts.Add(text);
                if (depth < 4 && TryParseContainer(text) is { } inner)
                {
                    using (inner)
                    {
                        Collect(inner.RootElement, depth + 1);
                    }
                }

                break;
            case JsonValueKind.Number:
                _texts.Add(element.GetRawText());
                break;
        }
    }

    private static void Compare(JsonElement before, JsonElement after, string path, List<string> broken, int depth)
    {
        switch (before.ValueKind)
        {
            case JsonValueKind.Object when after.ValueKind == JsonValueKind.Object:
                foreach (var property in before.EnumerateObject())
                {
                    var name = Name(property);
                    if (after.TryGetProperty(name, out var value))
                    {
                        Compare(property.Value, value, $"{path}.{name}", broken, depth);
                    }
                }

                break;
            case JsonValueKind.Array when after.ValueKind == JsonValueKind.Array && before.GetArrayLength() == after.GetArrayLength():
                var index = 0;
                foreach (var (b, a) in before.EnumerateArray().Zip(after.EnumerateArray()))
                {
                    Compare(b, a, $"{path}[{index++}]", broken, depth);
                }

                break;
            case JsonValueKind.String when depth < 4 && TryParseContainer(Decode(before)) is { } innerBefore:
                using (innerBefore)
                {
                    var text = after.ValueKind == JsonValueKind.String ? Decode(after) : after.GetRawText();
                    if (WholeMarker().IsMatch(text))
                    {
                        break;
                    }

                    if (TryParseContainer(text) is { } innerAfter)
                    {
                        using (innerAfter)
                        {
                            Compare(innerBefore.RootElement, innerAfter.RootElement, path + "<json>", broken, depth + 1);
                        }
                    }
                    else
                    {
                        broken.Add($"{path}: {text}");
                    }
                }

                break;
        }
    }

    /// <summary>A string's decoded text; a string with a lone surrogate escape (which <see cref="JsonElement.GetString"/>
    /// refuses) is read as its raw JSON text instead, so the check still sees what is there.</summary>
    private static string Decode(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return element.GetRawText();
        }
    }

    /// <summary>A property's decoded name; a name with a lone surrogate escape is read as its raw JSON text instead
    /// (the property's text up to its value).</summary>
    private static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            var raw = property.ToString();
            return raw[..Math.Max(0, raw.Length - property.Value.GetRawText().Length)];
        }
    }

    private static JsonDocument? TryParseContainer(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || !((trimmed[0] == '{' && trimmed[^1] == '}') || (trimmed[0] == '[' && trimmed[^1] == ']')))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
