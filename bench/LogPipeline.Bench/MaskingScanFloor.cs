using System.Diagnostics;
using System.Text.Json;
using Enrichers;
using Enrichers.Json;
using Enrichers.Masking;

namespace LogPipeline.Bench;

/// <summary><c>masking --only scan</c>: how much of masking is the scan itself. The string values of every record are
/// cut out of the input beforehand, so that parsing is not in the figures, and then, per record (one thread, CPU time,
/// best of the rounds):
/// <list type="bullet">
/// <item>the anchor walk: one search per anchor character (the scanner's prefilter, <c>@</c>, digits, <c>=</c>, ...)
/// from each to the next, no detector run: what visiting every place where a pattern may start costs at least;</item>
/// <item>the scan: <see cref="ValueScanner"/> over every value with the built-in patterns, every match found, nothing
/// rebuilt, no key judged, no value remembered;</item>
/// <item>masking: the enricher on the parsed record (pooled nodes, as in a session) less the parse alone, which adds
/// the walk, key names, the clean-value cache (which spares it the scans of repeated values) and the rebuilt
/// values.</item>
/// </list>
/// The gap between the last two is what masking spends beyond the scan.</summary>
internal static class MaskingScanFloor
{
    public static void Run(ReadOnlyMemory<byte>[] records, int rounds, string corpus)
    {
        var values = records.Select(StringValues).ToArray();
        var settings = new MaskingSettings(new MaskingOptions(), new EnrichmentStatistics(), hmac: null);
        var masking = new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics());
        var pool = new LogNodePool();

        // Warm-up, so every path runs optimized code (tiered JIT) before it is measured.
        Measure(rounds: 2, records.Length, () => AnchorWalk(values));
        Measure(rounds: 2, records.Length, () => Scan(values, settings));
        Measure(rounds: 2, records.Length, () => Parse(records, null, pool));
        Measure(rounds: 2, records.Length, () => Parse(records, masking, pool));

        var anchors = 0L;
        var matches = 0L;
        var walk = Measure(rounds, records.Length, () => anchors = AnchorWalk(values));
        var scan = Measure(rounds, records.Length, () => matches = Scan(values, settings));
        var parse = Measure(rounds, records.Length, () => Parse(records, null, pool));
        var masked = Measure(rounds, records.Length, () => Parse(records, masking, pool));
        var strings = values.Sum(v => (long)v.Count);
        Console.WriteLine($"masking, the scan itself ({corpus}): {records.Length:N0} records, {strings / (double)records.Length:F1} string values " +
            $"and {anchors / (double)records.Length:F1} anchor characters per record, {matches / (double)records.Length:F2} matches; " +
            $"best of {rounds} rounds, ns per record");
        Console.WriteLine($"  anchor walk (prefilter only)      {walk,6:F0}");
        Console.WriteLine($"  scan (every value, every match)   {scan,6:F0}");
        Console.WriteLine($"  masking (parsed record, pooled)   {masked - parse,6:F0}  (parse alone {parse:F0})");
        Console.WriteLine($"  masking beyond the scan           {masked - parse - scan,6:F0}");
    }

    // The raw bytes of each string value and name-less array item; escaped ones are left out (the scanner reads them
    // decoded, which this does not reproduce).
    private static List<ReadOnlyMemory<byte>> StringValues(ReadOnlyMemory<byte> record)
    {
        var values = new List<ReadOnlyMemory<byte>>();
        var reader = new Utf8JsonReader(record.Span);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
            {
                values.Add(record.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length));
            }
        }

        return values;
    }

    private static long AnchorWalk(List<ReadOnlyMemory<byte>>[] records)
    {
        var anchors = 0L;
        foreach (var values in records)
        {
            foreach (var value in values)
            {
                var s = value.Span;
                for (var i = 0; i < s.Length; i++)
                {
                    var next = s[i..].IndexOfAny(ValueScanner.ByteAnchors);
                    if (next < 0)
                    {
                        break;
                    }

                    anchors++;
                    i += next;
                }
            }
        }

        return anchors;
    }

    private static long Scan(List<ReadOnlyMemory<byte>>[] records, MaskingSettings settings)
    {
        var matches = 0L;
        foreach (var values in records)
        {
            foreach (var value in values)
            {
                var s = value.Span;
                var scan = new ScanState(settings.Patterns, settings.Keys, ScanState.BudgetFor(s.Length, settings.ScanWorkPerUnit));
                for (var from = 0; from < s.Length && ValueScanner.TryFindNext(s, from, ref scan, out var match); from = match.End)
                {
                    matches++;
                }
            }
        }

        return matches;
    }

    private static void Parse(ReadOnlyMemory<byte>[] records, PiiMaskingEnricher? masking, LogNodePool pool)
    {
        foreach (var raw in records)
        {
            pool.Reset();
            var record = LogRecordParser.TryParse(raw, out _, LogRecordParser.DefaultMaxBytes, LogRecordParser.DefaultMaxDepth, pool)!;
            masking?.Enrich(record);
        }
    }

    private static double Measure(int rounds, int records, Action pass)
    {
        var best = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            pass();
            best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / records);
        }

        return best;
    }
}
