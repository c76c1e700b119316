using System.Globalization;
using System.Text.Json;
using LogPipeline.Cli;
using LogPipeline.Demo.Generator;

namespace LogPipeline.Demo;

/// <summary>The demo's closing table: what went in, where every record ended, what the chain did, and how fast.</summary>
internal sealed class DemoSummary(DemoSettings settings, SmmLogCounts input, DemoOutputCount count, DemoRun run)
{
    /// <summary>Every produced record is accounted for exactly once (a document or a dead letter), none missing.</summary>
    public bool Proven => settings.EsUrl is null
        ? count.Missing == 0 && count.DuplicateDocuments == 0 && count.Foreign == 0 && !run.Interrupted
        : run.Acknowledged == input.Total && count.DeadLettered == run.DeadLettered && !run.Interrupted;

    public void Write(TextWriter w)
    {
        var stats = run.Statistics;
        var indexed = settings.EsUrl is null ? count.Documents : run.Acknowledged - run.DeadLettered;
        w.WriteLine();
        SummaryTable.Section(w, "records");
        SummaryTable.Row(w, "records in (produced)", input.Total);
        SummaryTable.Row(w, settings.EsUrl is null ? "indexed (documents in _bulk files)" : "indexed (acknowledged by Elasticsearch)", indexed);
        SummaryTable.Row(w, "dead-lettered (records in the DLQ topic)", count.DeadLettered);
        foreach (var (reason, n) in count.DeadLetterReasons)
        {
            SummaryTable.Detail(w, reason, n);
        }

        if (settings.EsUrl is null)
        {
            SummaryTable.Row(w, "missing (in neither)", count.Missing);
            SummaryTable.Row(w, "duplicate _ids", count.DuplicateDocuments);
        }

        w.WriteLine(Proven
            ? $"  ✔ every produced record is accounted for: {indexed:N0} indexed + {count.DeadLettered:N0} dead-lettered = {input.Total:N0}"
            : "  ✘ the output does not account for every produced record (see the counts above)");

        SummaryTable.Section(w, "enrichment");
        SummaryTable.Row(w, "PII / credentials masked", stats.Masks.Total);
        foreach (var (type, n) in stats.Masks.Snapshot().OrderByDescending(kv => kv.Value))
        {
            SummaryTable.Detail(w, type, n);
        }

        var geo = stats.GeoIp.Snapshot().ToDictionary(kv => kv.Key, kv => kv.Value);
        var lookups = geo.Values.Sum();
        var hits = geo.GetValueOrDefault("hit");
        SummaryTable.Text(w, "GeoIP hit rate", lookups == 0
            ? "n/a"
            : string.Create(CultureInfo.InvariantCulture, $"{100.0 * hits / lookups:F1} % of {lookups:N0} addresses"));
        foreach (var (result, n) in geo.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            SummaryTable.Detail(w, result, n);
        }

        var categories = stats.ErrorCategories.Snapshot().OrderByDescending(kv => kv.Value).ToList();
        SummaryTable.Row(w, "error records categorized", categories.Sum(kv => kv.Value));
        var widest = categories.Count == 0 ? 1 : categories.Max(kv => kv.Value);
        foreach (var (category, n) in categories)
        {
            w.WriteLine($"    {category,-14}{n,10:N0}  {new string('█', (int)Math.Ceiling(30.0 * n / widest))}");
        }

        SummaryTable.Row(w, "records linked to a trace", stats.TracesLinked);
        if (stats.EnricherFailures.Total > 0)
        {
            SummaryTable.Row(w, "enricher failures (records kept)", stats.EnricherFailures.Total);
        }

        SummaryTable.Section(w, "speed");
        var seconds = Math.Max(0.001, run.Elapsed.TotalSeconds);
        SummaryTable.Row(w, "throughput (consume → enrich → sink → ack)", (run.Acknowledged / seconds).ToString("N0", CultureInfo.InvariantCulture), "records/s");
        SummaryTable.Row(w, "CPU per record", (run.CpuTime.TotalMicroseconds / Math.Max(1, run.Acknowledged)).ToString("F1", CultureInfo.InvariantCulture), "µs");
        SummaryTable.Row(w, "peak memory (RSS, whole process)", (run.PeakWorkingSetBytes / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture), "MiB");

        if (count.Sample is not null)
        {
            SummaryTable.Section(w, "one enriched document");
            using var document = JsonDocument.Parse(count.Sample);
            var pretty = JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions
            {
                WriteIndented = true,
                // For reading on a terminal; the files keep the exact bytes.
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
            foreach (var line in pretty.Split('\n'))
            {
                w.WriteLine("  " + line);
            }
        }

        if (settings.EsUrl is null)
        {
            w.WriteLine();
            w.WriteLine($"  Replay into a cluster: for f in {settings.OutputDirectory}/*.ndjson; do curl -s -H 'Content-Type: application/x-ndjson' " +
                "-XPOST \"$ES_URL/_bulk\" --data-binary @\"$f\" > /dev/null; done   (see docs/worker.md)");
        }
    }

}
