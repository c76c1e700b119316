using System.Globalization;

namespace LogPipeline.Cli;

/// <summary>The closing summary every waiting command prints (<c>demo</c>, <c>setup</c>, <c>validate</c>,
/// <c>replay</c>), in one format: sections under a rule, one count per row with the label left and the number right,
/// details indented under their row. Numbers are written with the invariant culture, so output is the same on every
/// machine and tests can read it.</summary>
internal static class SummaryTable
{
    private const int LabelWidth = 44;
    private const int ValueWidth = 12;
    private const int RuleWidth = 58;

    /// <summary>A section rule, e.g. <c>  ── records ───…</c>.</summary>
    public static void Section(TextWriter w, string title) =>
        w.WriteLine("  ── " + title + " " + new string('─', Math.Max(3, RuleWidth - 6 - title.Length)));

    public static void Row(TextWriter w, string label, long value) => Row(w, label, value.ToString("N0", CultureInfo.InvariantCulture));

    /// <summary>A row whose value is already formatted (a rate, a duration), right-aligned like the counts, with its
    /// unit after it.</summary>
    public static void Row(TextWriter w, string label, string value, string? unit = null) =>
        w.WriteLine($"  {label,-LabelWidth}{value,ValueWidth}{(unit is null ? "" : " " + unit)}");

    /// <summary>A detail under the row before it (a reason, a type), indented.</summary>
    public static void Detail(TextWriter w, string label, long value) => Row(w, "    " + label, value);

    /// <summary>A row whose value is longer than a number (an address, a version string): written after the label.</summary>
    public static void Text(TextWriter w, string label, string value) => w.WriteLine($"  {label,-LabelWidth}{value}");
}
