using LogPipeline.Cli;

namespace LogPipeline.Tests.Cli;

/// <summary>The one format of every command's closing summary (demo, setup, validate, replay).</summary>
public sealed class SummaryTableTests
{
    [Fact]
    public void Sections_rows_details_and_text_rows_line_up()
    {
        var w = new StringWriter();

        SummaryTable.Section(w, "records");
        SummaryTable.Row(w, "records in (produced)", 200_000);
        SummaryTable.Detail(w, "invalid_json", 12);
        SummaryTable.Row(w, "CPU per record", "3.4", "µs");
        SummaryTable.Text(w, "GeoIP hit rate", "93.0 % of 1,000 addresses");

        Assert.Equal(
        [
            "  ── records ─────────────────────────────────────────────",
            "  records in (produced)                            200,000",
            "      invalid_json                                      12",
            "  CPU per record                                       3.4 µs",
            "  GeoIP hit rate                              93.0 % of 1,000 addresses",
        ], w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
