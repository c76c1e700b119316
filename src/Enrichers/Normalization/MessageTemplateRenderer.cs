using System.Text;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Renders a Serilog message template (messagetemplates.org) with the record's top-level properties, as
/// Seq does for CLEF events that carry only <c>@mt</c>. Strings are rendered without quotes, numbers and booleans as
/// written; a token with a format (<c>{Ratio:P1}</c>) takes its rendering from CLEF's <c>@r</c> (one string per
/// token with a format, in template order) when the event carries one, else the raw value; a token whose property is
/// missing, or is an object or array, is left as written.</summary>
internal static class MessageTemplateRenderer
{
    public static string Render(string template, LogObject properties)
    {
        if (template.IndexOfAny(['{', '}']) < 0)
        {
            return template;
        }

        var output = new StringBuilder(template.Length + 32);
        var renderings = properties.Get(ClefRenderings) as LogArray;
        var formatted = 0;
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                output.Append('{');
                i += 2;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                output.Append('}');
                i += 2;
                continue;
            }

            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                output.Append(c);
                i++;
                continue;
            }

            var token = template.AsSpan(i + 1, close - i - 1);
            if (HasFormat(token) && renderings is not null && formatted++ < renderings.Count && renderings[formatted - 1] is LogString rendered)
            {
                output.Append(rendered.Value);
            }
            else if (Value(token, properties) is { } value)
            {
                output.Append(value);
            }
            else
            {
                output.Append(template, i, close - i + 1);
            }

            i = close + 1;
        }

        return output.ToString();
    }

    /// <summary>CLEF's renderings of the template's tokens that have a format.</summary>
    public const string ClefRenderings = "@r";

    /// <summary>True for <c>{Name:format}</c> and <c>{Name,alignment:format}</c>, the tokens <c>@r</c> renders.</summary>
    private static bool HasFormat(ReadOnlySpan<char> token) => token.IndexOf(':') > 0;

    private static string? Value(ReadOnlySpan<char> token, LogObject properties)
    {
        if (token.Length > 0 && token[0] is '@' or '$')
        {
            token = token[1..];
        }

        // {Name,alignment:format}: the name ends at the first ',' or ':'.
        var end = token.IndexOfAny(',', ':');
        var name = end < 0 ? token : token[..end];
        if (name.IsEmpty || name.ContainsAny(' ', '{'))
        {
            return null;
        }

        return properties.Get(name) switch
        {
            LogString s => s.Value,
            LogLiteral l => l.ToString(),
            _ => null,
        };
    }
}
