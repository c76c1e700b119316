using System.Security.Cryptography;
using System.Text;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The functions this renderer implements: Go's built-ins the chart needs, and those of Sprig and Helm,
/// each with its Go signature's argument types (a float64 where Go wants an int is an error, as in Go). Any other
/// name is refused by the parser. <c>and</c>, <c>or</c> (which evaluate lazily) and <c>include</c> (which runs a
/// template) are the executor's; they are listed in <see cref="Names"/>.</summary>
internal static class TemplateFunctions
{
    private delegate object? Function(SourcePosition at, IReadOnlyList<object?> arguments);

    private static readonly Dictionary<string, Function> Table = new(StringComparer.Ordinal)
    {
        // Go's built-ins.
        ["not"] = (at, a) => !GoValues.IsTrue(Single(at, "not", a)),
        ["eq"] = (at, a) => AtLeast(at, "eq", a, 2).Skip(1).Any(other => GoValues.Equal(at, a[0], other)),
        ["ne"] = (at, a) => !GoValues.Equal(at, Exactly(at, "ne", a, 2)[0], a[1]),
        ["printf"] = (at, a) => GoFormat.Sprintf(at, String(at, "printf", AtLeast(at, "printf", a, 1), 0), a.Skip(1).ToList()),

        // Sprig.
        ["default"] = (at, a) => AtLeast(at, "default", a, 1).Count == 1 || GoValues.IsEmpty(a[1]) ? a[0] : a[1],
        ["quote"] = (at, a) => string.Join(' ', a.Where(v => v is not null).Select(v => GoFormat.Quote(v as string ?? GoFormat.Value(at, v)))),
        ["indent"] = (at, a) => Indent(Int(at, "indent", Exactly(at, "indent", a, 2), 0), String(at, "indent", a, 1)),
        ["nindent"] = (at, a) => "\n" + Indent(Int(at, "nindent", Exactly(at, "nindent", a, 2), 0), String(at, "nindent", a, 1)),
        ["trunc"] = (at, a) => Truncate(at, Int(at, "trunc", Exactly(at, "trunc", a, 2), 0), String(at, "trunc", a, 1)),
        ["trimSuffix"] = (at, a) => TrimSuffix(String(at, "trimSuffix", Exactly(at, "trimSuffix", a, 2), 1), String(at, "trimSuffix", a, 0)),
        ["b64enc"] = (at, a) => Convert.ToBase64String(Encoding.UTF8.GetBytes(String(at, "b64enc", Exactly(at, "b64enc", a, 1), 0))),
        ["sha256sum"] = (at, a) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(String(at, "sha256sum", Exactly(at, "sha256sum", a, 1), 0)))),
        ["toPrettyJson"] = (at, a) => GoJson.Marshal(at, Single(at, "toPrettyJson", a), indent: true),
        ["kindIs"] = (at, a) => String(at, "kindIs", Exactly(at, "kindIs", a, 2), 0) == GoValues.KindOf(a[1]),
        ["fail"] = (at, a) => throw new TemplateException(at, "error calling fail: " + String(at, "fail", Exactly(at, "fail", a, 1), 0)),

        // Helm.
        ["toYaml"] = (at, a) => GoYaml.Marshal(at, Single(at, "toYaml", a)),
        ["toJson"] = (at, a) => GoJson.Marshal(at, Single(at, "toJson", a), indent: false),
        ["required"] = (at, a) => Exactly(at, "required", a, 2)[1] is null or ""
            ? throw new TemplateException(at, "error calling required: " + String(at, "required", a, 0))
            : a[1],
    };

    public static IReadOnlySet<string> Names { get; } = Table.Keys.Concat(["and", "or", "include"]).ToHashSet(StringComparer.Ordinal);

    public static object? Call(SourcePosition at, string name, IReadOnlyList<object?> arguments) => Table[name](at, arguments);

    /// <summary>Sprig's indent: every line, empty ones too, gets the pad.</summary>
    private static string Indent(long spaces, string text)
    {
        var pad = new string(' ', (int)spaces);
        return pad + text.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>Sprig's trunc counts bytes; a negative count keeps the end. Non-ASCII text is refused, since cutting
    /// bytes may split a character.</summary>
    private static string Truncate(SourcePosition at, long count, string text)
    {
        if (text.Any(c => c > '\x7f'))
        {
            throw new TemplateException(at, "trunc of non-ASCII text is not implemented by this renderer");
        }

        return count switch
        {
            < 0 when text.Length + count > 0 => text[(int)(text.Length + count)..],
            >= 0 when text.Length > count => text[..(int)count],
            _ => text,
        };
    }

    private static string TrimSuffix(string text, string suffix) =>
        suffix.Length > 0 && text.EndsWith(suffix, StringComparison.Ordinal) ? text[..^suffix.Length] : text;

    private static object? Single(SourcePosition at, string name, IReadOnlyList<object?> arguments) => Exactly(at, name, arguments, 1)[0];

    private static IReadOnlyList<object?> Exactly(SourcePosition at, string name, IReadOnlyList<object?> arguments, int count) =>
        arguments.Count == count ? arguments : throw new TemplateException(at, $"wrong number of args for {name}: want {count} got {arguments.Count}");

    private static IReadOnlyList<object?> AtLeast(SourcePosition at, string name, IReadOnlyList<object?> arguments, int count) =>
        arguments.Count >= count ? arguments : throw new TemplateException(at, $"wrong number of args for {name}: want at least {count} got {arguments.Count}");

    private static string String(SourcePosition at, string name, IReadOnlyList<object?> arguments, int index) =>
        arguments[index] as string
        ?? throw new TemplateException(at, $"error calling {name}: wrong type for value; expected string; got {GoValues.TypeName(arguments[index])}");

    private static long Int(SourcePosition at, string name, IReadOnlyList<object?> arguments, int index) =>
        arguments[index] as long?
        ?? throw new TemplateException(at, $"error calling {name}: wrong type for value; expected int; got {GoValues.TypeName(arguments[index])}");
}
