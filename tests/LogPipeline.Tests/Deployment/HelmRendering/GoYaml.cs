using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Helm's <c>toYaml</c>: sigs.k8s.io/yaml's Marshal (the value goes through JSON, so a whole float64
/// becomes an int, then go-yaml v2 writes it) with the final newline trimmed. Block style, two-space indent,
/// lists inside maps not indented, keys in go-yaml's order. A string is written plain unless go-yaml would read it
/// back as something else (null, bool, number: then double-quoted) or its characters forbid plain style (then
/// single-quoted). Strings whose style depends on rules not implemented here (line breaks, non-ASCII, long
/// lines that go-yaml folds, timestamps) are refused.</summary>
internal static partial class GoYaml
{
    // YAML 1.1 sexagesimal numbers, which go-yaml v2 quotes for compatibility (isBase60Float).
    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")]
    private static partial Regex Base60Form();

    public static string Marshal(SourcePosition at, object? value)
    {
        var text = new StringBuilder();
        var normalized = ThroughJson(at, value);
        if (normalized is IReadOnlyDictionary<string, object?> { Count: > 0 } or IReadOnlyList<object?> { Count: > 0 })
        {
            Block(at, text, normalized, 0);
        }
        else
        {
            text.Append(Inline(at, normalized)).Append('\n');
        }

        // Helm trims the one newline go-yaml ends with.
        return text.ToString(0, text.Length - 1);
    }

    /// <summary>What the JSON hop does to a value: a float64 without a fraction comes back as an int.</summary>
    private static object? ThroughJson(SourcePosition at, object? value) => value switch
    {
        double d when double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 1e21 => GoFormat.Float(d, json: true) is var t
            && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new TemplateException(at, $"toYaml of {t} is not implemented by this renderer"),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => ThroughJson(at, kv.Value), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(v => ThroughJson(at, v)).ToList(),
        null or bool or long or double or string => value,
        _ => throw new TemplateException(at, $"toYaml of a {GoValues.TypeName(value)} is not implemented by this renderer"),
    };

    /// <summary>A non-empty map or list, each entry on its own line at <paramref name="indent"/>.</summary>
    private static void Block(SourcePosition at, StringBuilder text, object? value, int indent)
    {
        if (value is IReadOnlyDictionary<string, object?> map)
        {
            var first = true;
            foreach (var key in map.Keys.Order(KeyOrder.Instance))
            {
                if (!first)
                {
                    text.Append(' ', indent);
                }

                first = false;
                text.Append(Scalar(at, key)).Append(':');
                switch (map[key])
                {
                    case IReadOnlyDictionary<string, object?> { Count: > 0 } child:
                        text.Append('\n').Append(' ', indent + 2);
                        Block(at, text, child, indent + 2);
                        break;
                    case IReadOnlyList<object?> { Count: > 0 } child:
                        // go-yaml v2 writes a list inside a map at the map's own indentation.
                        text.Append('\n').Append(' ', indent);
                        Block(at, text, child, indent);
                        break;
                    case var scalar:
                        text.Append(' ').Append(Inline(at, scalar)).Append('\n');
                        break;
                }
            }

            return;
        }

        var list = (IReadOnlyList<object?>)value!;
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                text.Append(' ', indent);
            }

            text.Append("- ");
            if (list[i] is IReadOnlyDictionary<string, object?> { Count: > 0 } or IReadOnlyList<object?> { Count: > 0 })
            {
                Block(at, text, list[i], indent + 2);
            }
            else
            {
                text.Append(Inline(at, list[i])).Append('\n');
            }
        }
    }

    private static string Inline(SourcePosition at, object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long i => i.ToString(CultureInfo.InvariantCulture),
        double d => GoFormat.Float(d, json: false),
        string s => Scalar(at, s),
        IReadOnlyDictionary<string, object?> => "{}",
        IReadOnlyList<object?> => "[]",
        _ => throw new TemplateException(at, $"toYaml of a {GoValues.TypeName(value)} is not implemented by this renderer"),
    };

    private static string Scalar(SourcePosition at, string value)
    {
        if (value.Any(c => c is < ' ' or > '~'))
        {
            throw new TemplateException(at, $"toYaml of a string with line breaks or non-ASCII characters is not implemented by this renderer: {GoFormat.Quote(value)}");
        }

        if (value.Contains(' ', StringComparison.Ordinal) && value.Length > 40)
        {
            throw new TemplateException(at, $"toYaml of a long string with spaces (go-yaml folds lines) is not implemented by this renderer: {GoFormat.Quote(value)}");
        }

        var resolved = PlainScalar.Resolve(value);
        if (resolved == PlainScalar.Unimplemented)
        {
            throw new TemplateException(at, $"toYaml of a string that go-yaml may read as a number or a timestamp is not implemented by this renderer: {value}");
        }

        // "<<" resolves to YAML's merge key, and sexagesimal numbers are quoted for YAML 1.1 readers.
        if (resolved is not string || value == "<<" || Base60Form().IsMatch(value))
        {
            return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        }

        return PlainAllowed(value) ? value : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>libyaml's analysis for a plain scalar in block context.</summary>
    private static bool PlainAllowed(string value)
    {
        if (value[0] == ' ' || value[^1] == ' ' || value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal)
            || "#,[]{}&*!|>'\"%@`".Contains(value[0], StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var followedBySpace = i + 1 == value.Length || value[i + 1] == ' ';
            var indicator = value[i] switch
            {
                '-' or '?' => i == 0 && followedBySpace,
                ':' => followedBySpace,
                '#' => i > 0 && value[i - 1] == ' ',
                _ => false,
            };
            if (indicator)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>go-yaml v2's key order (keyList.Less): letters compare as runes; a non-letter sorts before a
    /// letter; runs of digits compare as numbers.</summary>
    private sealed class KeyOrder : IComparer<string>
    {
        public static KeyOrder Instance { get; } = new();

        public int Compare(string? x, string? y) => Less(x!, y!) ? -1 : Less(y!, x!) ? 1 : 0;

        private static bool Less(string a, string b)
        {
            for (var i = 0; i < a.Length && i < b.Length; i++)
            {
                if (a[i] == b[i])
                {
                    continue;
                }

                var letterA = char.IsLetter(a[i]);
                var letterB = char.IsLetter(b[i]);
                if (letterA && letterB)
                {
                    return a[i] < b[i];
                }

                if (letterA || letterB)
                {
                    return letterB;
                }

                long numberA = 0, numberB = 0;
                if (a[i] == '0' || b[i] == '0')
                {
                    for (var j = i - 1; j >= 0 && char.IsAsciiDigit(a[j]); j--)
                    {
                        if (a[j] != '0')
                        {
                            numberA = 1;
                            numberB = 1;
                            break;
                        }
                    }
                }

                var endA = i;
                for (; endA < a.Length && char.IsAsciiDigit(a[endA]); endA++)
                {
                    numberA = (numberA * 10) + (a[endA] - '0');
                }

                var endB = i;
                for (; endB < b.Length && char.IsAsciiDigit(b[endB]); endB++)
                {
                    numberB = (numberB * 10) + (b[endB] - '0');
                }

                if (numberA != numberB)
                {
                    return numberA < numberB;
                }

                if (endA != endB)
                {
                    return endA < endB;
                }

                return a[i] < b[i];
            }

            return a.Length < b.Length;
        }
    }
}
