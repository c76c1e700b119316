using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>What is left to do on a CLEF event once the rules ran (clef-json.org): its <c>@r</c> renderings were used
/// by the message template and go, and a user property whose name starts with <c>@</c>, which CLEF writes escaped as
/// <c>@@name</c>, gets its name back. An unescaped name that the record already has, or that is <c>@timestamp</c> (the
/// canonical event time, which the event's <c>@t</c> set), keeps its escaped name.</summary>
internal static class ClefProperties
{
    public static void Finish(LogObject root)
    {
        root.Remove(MessageTemplateRenderer.ClefRenderings);
        for (var i = 0; i < root.Count; i++)
        {
            var p = root[i];
            var escaped = p.TryGetRawName(out var raw) ? raw.StartsWith("@@"u8) : p.Name.StartsWith("@@", StringComparison.Ordinal);
            if (!escaped)
            {
                continue;
            }

            var name = p.Name[1..];
            if (name != FieldNames.Timestamp && root.IndexOf(name) < 0)
            {
                root.ReplaceAt(i, name, p.Value);
            }
        }
    }
}
