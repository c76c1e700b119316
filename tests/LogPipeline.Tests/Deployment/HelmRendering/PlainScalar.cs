using System.Globalization;
using System.Text.RegularExpressions;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>How go-yaml v2 resolves an unquoted scalar (YAML 1.1 rules): which words are null and booleans
/// (<c>~</c>, <c>yes</c>, <c>on</c>, <c>n</c> …), which texts are ints and floats. Helm reads values.yaml with it, and
/// <c>toYaml</c> quotes a string that it would read back as something else. Forms whose value is not implemented
/// here (octal, binary, .inf/.nan, timestamps) are <see cref="Unimplemented"/>, for the callers to refuse.</summary>
internal static partial class PlainScalar
{
    /// <summary>Stands for a resolution this renderer does not implement.</summary>
    public static readonly object Unimplemented = new();

    private static readonly HashSet<string> Nulls = ["", "~", "null", "Null", "NULL"];
    private static readonly HashSet<string> Trues = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> Falses = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];

    // go-yaml v2's float form (yamlStyleFloat), tried after removing underscores.
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatForm();

    [GeneratedRegex(@"^[-+]?0[xX][0-9a-fA-F]+$")]
    private static partial Regex HexForm();

    // Octal and binary ints (strconv.ParseInt base 0), special floats, and the four digits and a dash that make
    // go-yaml try a timestamp.
    [GeneratedRegex(@"^[-+]?(0[bB][01]+|0[oO]?[0-7]+|\.(inf|Inf|INF|nan|NaN|NAN))$|^[0-9]{4}-")]
    private static partial Regex UnimplementedForm();

    /// <summary>null, a <see cref="bool"/>, a <see cref="double"/> (every number, as Helm's values are float64), the
    /// text itself when it is a string, or <see cref="Unimplemented"/>.</summary>
    public static object? Resolve(string text)
    {
        if (Nulls.Contains(text))
        {
            return null;
        }

        if (Trues.Contains(text) || Falses.Contains(text))
        {
            return Trues.Contains(text);
        }

        var digits = text.Replace("_", "", StringComparison.Ordinal);
        if (UnimplementedForm().IsMatch(digits) || (digits.StartsWith('-') && HexForm().IsMatch(digits)))
        {
            return Unimplemented;
        }

        if (HexForm().IsMatch(digits))
        {
            return (double)long.Parse(digits.AsSpan(digits.IndexOfAny(['x', 'X']) + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }

        return FloatForm().IsMatch(digits) ? double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture) : text;
    }
}
