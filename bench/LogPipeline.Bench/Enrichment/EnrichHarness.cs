using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Enrichers;

namespace LogPipeline.Bench.Enrichment;

/// <summary><c>enrich</c>: runs the whole enrichment chain over generated SMM lines (default 1M) on one thread
/// and compares it with a bare Utf8JsonReader→Utf8JsonWriter round trip of the same lines, measured in the same
/// run. Reports events/s, events per CPU-second, allocated bytes per event and the ratio.
/// Options: <c>--lines N</c>, <c>--seed N</c>, <c>--rounds N</c>, <c>--geoip-db PATH</c>, <c>--asn-db PATH</c>,
/// <c>--sessions N</c> (lines dealt round-robin over N sessions in runs of <see cref="SessionRun"/>, as the worker
/// gets a partition's fetched records together: the cost of per-session state that one session keeps hot in the
/// caches).</summary>
public sealed class EnrichHarness : IHarness
{
    private const double TargetEventsPerCpuSecond = 300_000;
    private const double TargetRatio = 0.35;
    private const int SessionRun = 100;

    public string Name => "enrich";

    public string Description => "whole enrichment chain vs bare JSON round trip over 1M generated lines [--lines N --sessions N --geoip-db P --asn-db P]";

    public Task<int> RunAsync(string[] args)
    {
        var lines = 1_000_000;
        var seed = 42;
        var rounds = 2;
        var sessions = 1;
        var breakdown = false;
        var options = new EnrichmentOptions();
        if (args.Contains("--breakdown"))
        {
            breakdown = true;
            args = args.Where(a => a != "--breakdown").ToArray();
        }

        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--lines":
                    lines = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--rounds":
                    rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--sessions":
                    sessions = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--geoip-db":
                    options.GeoIp.CityDatabasePath = Path.GetFullPath(args[i + 1]);
                    break;
                case "--asn-db":
                    options.GeoIp.AsnDatabasePath = Path.GetFullPath(args[i + 1]);
                    break;
                default:
                    Console.Error.WriteLine($"enrich: unknown option {args[i]}");
                    return Task.FromResult(2);
            }
        }

        Console.WriteLine($"generating {lines:N0} lines (seed {seed})...");
        var corpus = EnrichmentCorpus.Generate(lines, seed);
        Console.WriteLine($"corpus: {corpus.Count:N0} lines, {corpus.TotalBytes / (double)corpus.Count:F0} B average, " +
                          $"GeoIP: {(options.GeoIp.CityDatabasePath is null ? "off" : "city")}{(options.GeoIp.AsnDatabasePath is null ? "" : "+asn")}, " +
                          $"{sessions} session(s)");

        using var chain = EnrichmentChain.Create(options);
        var output = new ArrayBufferWriter<byte>(4 * 1024 * 1024);
        var bare = new BareJsonRoundTrip(output);

        // Warm-up: JIT tiers, regex compilation, GeoIP cache.
        var warm = Math.Min(corpus.Count, 50_000);
        RunBare(corpus, warm, bare, output);
        RunChain(corpus, warm, chain, sessions, output);

        Measurement? bestBare = null, bestChain = null;
        for (var r = 0; r < rounds; r++)
        {
            var b = Measure(() => RunBare(corpus, corpus.Count, bare, output), corpus.Count);
            var c = Measure(() => RunChain(corpus, corpus.Count, chain, sessions, output), corpus.Count);
            Console.WriteLine($"round {r + 1}: bare {b}; chain {c}");
            bestBare = bestBare is null || b.EventsPerCpuSecond > bestBare.EventsPerCpuSecond ? b : bestBare;
            bestChain = bestChain is null || c.EventsPerCpuSecond > bestChain.EventsPerCpuSecond ? c : bestChain;
        }

        if (breakdown)
        {
            Breakdown(corpus, chain, output);
        }

        var ratio = bestChain!.EventsPerCpuSecond / bestBare!.EventsPerCpuSecond;
        var s = chain.Statistics;
        Console.WriteLine();
        Console.WriteLine($"bare parse+rewrite : {bestBare}");
        Console.WriteLine($"enrichment chain   : {bestChain}");
        Console.WriteLine($"chain / bare (events per CPU-second): {ratio:P0} (target >= {TargetRatio:P0}: {(ratio >= TargetRatio ? "met" : "NOT met")})");
        Console.WriteLine($"chain events per CPU-second: {bestChain.EventsPerCpuSecond:N0} (target >= {TargetEventsPerCpuSecond:N0}: " +
                          $"{(bestChain.EventsPerCpuSecond >= TargetEventsPerCpuSecond ? "met" : "NOT met")})");
        Console.WriteLine($"work done: traces linked {s.TracesLinked:N0}, error categories {s.ErrorCategories.Total:N0}, masks {s.Masks.Total:N0}, " +
                          $"geoip {string.Join(' ', s.GeoIp.Snapshot().Select(kv => $"{kv.Key}={kv.Value:N0}"))}, failures {s.EnricherFailures.Total}");
        return Task.FromResult(0);
    }

    /// <summary>Cost of the record model alone and of each enricher on top of it (one thread, same lines).</summary>
    private static void Breakdown(EnrichmentCorpus corpus, EnrichmentChain chain, ArrayBufferWriter<byte> output)
    {
        using var session = chain.CreateSession();
        var enrichers = session.Enrichers;
        var model = Measure(() => RunStage(corpus, null, output), corpus.Count);
        Console.WriteLine($"stage parse+write  : {model}");
        foreach (var enricher in enrichers)
        {
            var m = Measure(() => RunStage(corpus, enricher, output), corpus.Count);
            var extra = m.Cpu.TotalMilliseconds * 1e6 / m.Events - model.Cpu.TotalMilliseconds * 1e6 / model.Events;
            Console.WriteLine($"stage +{enricher.Name,-17}: {m}; enricher ≈ {extra:F0} ns CPU/event");
        }
    }

    private static void RunStage(EnrichmentCorpus corpus, ILogEnricher? enricher, ArrayBufferWriter<byte> output)
    {
        // Nodes come from a pool as in a session, so the stages cost what they cost inside the chain.
        var pool = new Enrichers.Json.LogNodePool();
        for (var i = 0; i < corpus.Count; i++)
        {
            pool.Reset();
            var record = Enrichers.Json.LogRecordParser.TryParse(corpus[i], out _, Enrichers.Json.LogRecordParser.DefaultMaxBytes,
                Enrichers.Json.LogRecordParser.DefaultMaxDepth, pool)!;
            enricher?.Enrich(record);
            record.WriteTo(output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
    }

    private static void RunBare(EnrichmentCorpus corpus, int count, BareJsonRoundTrip bare, ArrayBufferWriter<byte> output)
    {
        for (var i = 0; i < count; i++)
        {
            bare.RoundTrip(corpus[i].Span, output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
    }

    private static void RunChain(EnrichmentCorpus corpus, int count, EnrichmentChain chain, int sessionCount, ArrayBufferWriter<byte> output)
    {
        var sessions = Enumerable.Range(0, sessionCount).Select(_ => chain.CreateSession()).ToArray();
        for (var i = 0; i < count; i++)
        {
            sessions[i / SessionRun % sessions.Length].Enrich(corpus[i], output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
        foreach (var session in sessions)
        {
            session.Dispose();
        }
    }

    private static Measurement Measure(Action run, int events)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        run();
        wall.Stop();
        var alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        return new Measurement(events, wall.Elapsed, cpu, alloc1 - alloc0);
    }

    private sealed record Measurement(int Events, TimeSpan Wall, TimeSpan Cpu, long AllocatedBytes)
    {
        public double EventsPerSecond => Events / Wall.TotalSeconds;

        public double EventsPerCpuSecond => Events / Cpu.TotalSeconds;

        public override string ToString() =>
            $"{EventsPerSecond:N0} events/s, {EventsPerCpuSecond:N0} events/CPU-s, {AllocatedBytes / (double)Events:F0} B allocated/event";
    }
}
