namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>How Go's templates see the values Helm gives them. Values are null, <see cref="bool"/>,
/// <see cref="long"/> (Go's int: template constants, lengths), <see cref="double"/> (Go's float64: every number
/// of values.yaml, which Helm decodes through JSON), <see cref="string"/>, maps
/// (<see cref="IReadOnlyDictionary{TKey,TValue}"/> of string), lists (<see cref="IReadOnlyList{T}"/>),
/// <see cref="TemplateObject"/> and <see cref="ChartFiles"/>.</summary>
internal static class GoValues
{
    /// <summary>text/template's truth (if, with, range, and, or, not): false, 0, nil, and an empty string, map
    /// or list are false; everything else is true.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        _ => true,
    };

    /// <summary>Sprig's <c>empty</c> (used by <c>default</c>): the same values as false in <see cref="IsTrue"/>.</summary>
    public static bool IsEmpty(object? value) => !IsTrue(value);

    /// <summary>Go's reflect.Kind name, as Sprig's <c>kindOf</c>/<c>kindIs</c> report it.</summary>
    public static string KindOf(object? value) => value switch
    {
        null => "invalid",
        bool => "bool",
        long => "int",
        double => "float64",
        string => "string",
        IReadOnlyDictionary<string, object?> or ChartFiles => "map",
        IReadOnlyList<object?> => "slice",
        _ => "ptr",
    };

    /// <summary>The Go type as its error messages name it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "<nil>",
        IReadOnlyDictionary<string, object?> => "map[string]interface {}",
        IReadOnlyList<object?> => "[]interface {}",
        TemplateObject o => o.TypeName,
        ChartFiles => "engine.files",
        _ => KindOf(value),
    };

    /// <summary>text/template's <c>eq</c> for one pair: nil equals only nil; values of the same basic kind compare
    /// by value; different basic kinds (e.g. the float64 of a value and the int of a constant) are an error, as in
    /// Go; maps and lists cannot be compared.</summary>
    public static bool Equal(SourcePosition at, object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return (left, right) switch
        {
            (bool a, bool b) => a == b,
            (long a, long b) => a == b,
            (double a, double b) => a == b,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            _ when KindOf(left) != KindOf(right) => throw new TemplateException(at, $"error calling eq: incompatible types for comparison ({TypeName(left)} and {TypeName(right)})"),
            _ => throw new TemplateException(at, $"error calling eq: uncomparable type {TypeName(left)}"),
        };
    }
}
