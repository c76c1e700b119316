using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>What masking does when it fails (a bug, or text nothing expected): it never throws and never lets the text
/// through. A failed value is reported and counted and becomes <see cref="MaskTypeNames.ErrorMarker"/>; the index's own
/// fields (see <see cref="IndexFields"/>) are kept when they have the plain shape of their type.</summary>
internal static class FailClosed
{
    /// <summary>Reports a value that failed to mask and counts it as redacted.</summary>
    public static void Report(EnrichmentStatistics statistics, Exception ex)
    {
        statistics.ReportFailure(MaskingSettings.EnricherName, ex);
        statistics.ValueRedactedOnError();
    }

    /// <summary>Redacts a string that failed to mask, unless it is an index field of <paramref name="shape"/> whose
    /// text has that shape.</summary>
    public static void Redact(LogString s, IndexFieldShape shape)
    {
        if (shape == IndexFieldShape.None || !IndexFields.Fits(shape, SafeText(s)))
        {
            s.Value = MaskTypeNames.ErrorMarker;
        }
    }

    /// <summary>The last resort when masking a record failed outside any one value: every string becomes a marker,
    /// except the index's own fields whose value has the plain shape of their type (see <see cref="IndexFields"/>).
    /// <paramref name="owner"/> is the root property holding <paramref name="node"/> at depth 1, null elsewhere.</summary>
    public static void RedactAllStrings(LogNode node, LogProperty? owner, int depth)
    {
        switch (node)
        {
            case LogString s:
                s.Value = MaskTypeNames.Marker(MaskType.Key);
                break;
            case LogObject o:
                foreach (var p in o.Properties)
                {
                    if (p.Value is LogString s && depth <= 1 && IndexFields.ShapeOf(depth == 0 ? null : owner, p) is var shape
                        && shape != IndexFieldShape.None && IndexFields.Fits(shape, SafeText(s)))
                    {
                        continue;
                    }

                    RedactAllStrings(p.Value, depth == 0 ? p : null, depth + 1);
                }

                break;
            case LogArray a:
                foreach (var item in a.Items)
                {
                    RedactAllStrings(item, null, depth + 1);
                }

                break;
        }
    }

    /// <summary>A string's text for the shape check of a failed value; empty when even that cannot be read.</summary>
    private static string SafeText(LogString s)
    {
        try
        {
            return s.Value;
        }
        catch (Exception)
        {
            return string.Empty;
        }
    }
}
