using System.Globalization;
using System.Text;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Go's encoding/json as Helm's <c>toJson</c> (json.Marshal) and Sprig's <c>toPrettyJson</c>
/// (json.MarshalIndent with two spaces) use it: map keys in sorted order, HTML-safe escaping (<c>&lt; &gt; &amp;</c>
/// as <c>\u003c</c> …), U+2028/U+2029 escaped, <c>\b \f</c> short (since Go 1.22), float64 in encoding/json's form.</summary>
internal static class GoJson
{
    public static string Marshal(SourcePosition at, object? value, bool indent)
    {
        var text = new StringBuilder();
        Write(at, text, value, indent ? 0 : -1);
        return text.ToString();
    }

    /// <param name="depth">Nesting level when indenting; -1 for compact output.</param>
    private static void Write(SourcePosition at, StringBuilder text, object? value, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case long i:
                text.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                text.Append(GoFormat.Float(d, json: true));
                break;
            case string s:
                String(text, s);
                break;
            case IReadOnlyDictionary<string, object?> map:
                Container(at, text, '{', '}', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList(), depth, (entry, inner) =>
                {
                    String(text, entry.Key);
                    text.Append(depth < 0 ? ":" : ": ");
                    Write(at, text, entry.Value, inner);
                });
                break;
            case IReadOnlyList<object?> list:
                Container(at, text, '[', ']', list, depth, (item, inner) => Write(at, text, item, inner));
                break;
            default:
                throw new TemplateException(at, $"toJson of a {GoValues.TypeName(value)} is not implemented by this renderer");
        }
    }

    private static void Container<T>(SourcePosition at, StringBuilder text, char open, char close, IReadOnlyList<T> items, int depth,
        Action<T, int> writeItem)
    {
        text.Append(open);
        if (items.Count == 0)
        {
            text.Append(close);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            if (depth >= 0)
            {
                text.Append('\n').Append(' ', 2 * (depth + 1));
            }

            writeItem(items[i], depth < 0 ? -1 : depth + 1);
        }

        if (depth >= 0)
        {
            text.Append('\n').Append(' ', 2 * depth);
        }

        text.Append(close);
    }

    private static void String(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }
}
