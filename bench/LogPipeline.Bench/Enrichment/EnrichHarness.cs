using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Enrichers;

namespace LogPipeline.Bench.Enrichment;

/// <summary><c>enrich</c>: runs the whole enrichment chain over generated lines (default 1M) on one thread and
/// compares it with a bare Utf8JsonReader→Utf8JsonWriter round trip of the same lines, measured in the same run.
/// Reports events/s, events per CPU-second, allocated bytes per event and the ratios.
/// Options: <c>--lines N</c>, <c>--seed N</c>, <c>--rounds N</c>, <c>--corpus smm|pii-dense|PATH</c> (see
/// <see cref="EnrichmentCorpus.Kinds"/>; a path reads the lines of an NDJSON file such as samples/shapes.ndjson), <c>--geoip-db PATH</c>, <c>--asn-db PATH</c> (either may be
/// <c>real-size</c>: the databases of <see cref="Geo.RealSizeGeoDatabases"/>), <c>--geoip MODE</c> (repeatable:
/// each mode is one more chain measured in the same rounds: <c>none</c>, <c>real-size</c> for real-size City and
/// ASN databases, or the path of a City database such as GeoLite2-City), <c>--geoip-cache N</c> (the
/// address cache's size, <c>Enrichment:GeoIp:CacheSize</c>), <c>--sessions N</c> (lines dealt
/// round-robin over N sessions in runs of <see cref="SessionRun"/>, as the worker gets a partition's fetched
/// records together: the cost of per-session state that one session keeps hot in the caches), <c>--no-normalization</c>
/// (every chain without its normalization stage: the stage's cost is the difference), <c>--fresh-sessions</c> (new
/// sessions for every round instead of the same ones for the whole run: see <see cref="ChainSessions"/>), <c>--baseline DIR</c> (each
/// chain also as built in DIR, e.g. main's bench output, measured in the same rounds: see <see cref="BaselineChain"/>).</summary>
public sealed class EnrichHarness : IHarness
{
    private const double TargetEventsPerCpuSecond = 300_000;
    private const double TargetRatio = 0.35;
    private const double TargetGeoIpRatio = 0.8;
    private const int SessionRun = 100;

    public string Name => "enrich";

    public string Description =>
        "whole enrichment chain vs bare JSON round trip over 1M generated lines [--lines N --corpus smm|pii-dense|PATH --no-normalization --sessions N --geoip-db P|real-size --asn-db P|real-size --geoip none|real-size|PATH ...]";

    public Task<int> RunAsync(string[] args)
    {
        var lines = 1_000_000;
        var seed = 42;
        var rounds = 2;
        var sessions = 1;
        var corpusKind = "smm";
        var breakdown = false;
        var options = new EnrichmentOptions();
        var modes = new List<string>();
        int? cacheSize = null;
        string? baselineFolder = null;
        if (args.Contains("--breakdown"))
        {
            breakdown = true;
            args = args.Where(a => a != "--breakdown").ToArray();
        }

        var freshSessions = false;
        if (args.Contains("--fresh-sessions"))
        {
            freshSessions = true;
            args = args.Where(a => a != "--fresh-sessions").ToArray();
        }

        if (args.Contains("--no-normalization"))
        {
            options.Normalization.Enabled = false;
            args = args.Where(a => a != "--no-normalization").ToArray();
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
                case "--corpus":
                    corpusKind = args[i + 1];
                    break;
                case "--geoip-db":
                    options.GeoIp.CityDatabasePath = DatabasePath(args[i + 1], asn: false);
                    break;
                case "--asn-db":
                    options.GeoIp.AsnDatabasePath = DatabasePath(args[i + 1], asn: true);
                    break;
                case "--geoip":
                    modes.Add(args[i + 1]);
                    break;
                case "--baseline":
                    baselineFolder = args[i + 1];
                    break;
                case "--geoip-cache":
                    cacheSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"enrich: unknown option {args[i]}");
                    return Task.FromResult(2);
            }
        }

        if (cacheSize is { } size)
        {
            options.GeoIp.CacheSize = size;
        }

        var fromFile = !EnrichmentCorpus.Kinds.Contains(corpusKind) && File.Exists(corpusKind);
        Console.WriteLine(fromFile ? $"reading {lines:N0} lines from {corpusKind}..." : $"generating {lines:N0} {corpusKind} lines (seed {seed})...");
        var corpus = fromFile ? EnrichmentCorpus.FromFile(corpusKind, lines) : EnrichmentCorpus.Generate(lines, seed, corpusKind);
        var chains = new List<(string Name, EnrichmentChain Chain)>();
        if (modes.Count == 0 || options.GeoIp.CityDatabasePath is not null || options.GeoIp.AsnDatabasePath is not null)
        {
            chains.Add((Describe(options), Open(options)));
        }

        foreach (var mode in modes)
        {
            var modeOptions = new EnrichmentOptions { Normalization = { Enabled = options.Normalization.Enabled } };
            modeOptions.GeoIp.CacheSize = options.GeoIp.CacheSize;
            if (mode == "real-size")
            {
                modeOptions.GeoIp.CityDatabasePath = DatabasePath(mode, asn: false);
                modeOptions.GeoIp.AsnDatabasePath = DatabasePath(mode, asn: true);
            }
            else if (mode != "none")
            {
                modeOptions.GeoIp.CityDatabasePath = Path.GetFullPath(mode);
            }

            chains.Add((mode == "none" || mode == "real-size" ? Describe(modeOptions) : $"city {Path.GetFileName(mode)}", Open(modeOptions)));
        }

        var baselines = baselineFolder is null
            ? []
            : chains.Select(c => BaselineChain.Open(baselineFolder, c.Chain.Options.GeoIp.CityDatabasePath, c.Chain.Options.GeoIp.AsnDatabasePath,
                c.Chain.Options.Normalization.Enabled)).ToList();
        Console.WriteLine($"corpus: {corpus.Count:N0} {corpusKind} lines, {corpus.TotalBytes / (double)corpus.Count:F0} B average, {sessions} session(s); " +
                          $"RSS {Environment.WorkingSet / (1024 * 1024)} MiB with every database open");
        var output = new ArrayBufferWriter<byte>(4 * 1024 * 1024);
        var bare = new BareJsonRoundTrip(output);

        var chainSessions = chains.Select(c => new ChainSessions(c.Chain.CreateSession, sessions, freshSessions)).ToList();
        var baselineSessions = baselines.Select(b => new ChainSessions(b.CreateSession, 1, freshSessions)).ToList();

        // Warm-up: JIT tiers, regex compilation, GeoIP caches.
        var warm = Math.Min(corpus.Count, 50_000);
        RunBare(corpus, warm, bare, output);
        for (var c = 0; c < chains.Count; c++)
        {
            RunChain(corpus, warm, chainSessions[c], output);
        }

        for (var c = 0; c < baselines.Count; c++)
        {
            RunBaseline(corpus, warm, baselines[c], baselineSessions[c], output);
        }

        Measurement? bestBare = null;
        var best = new Measurement?[chains.Count];
        var bestBaseline = new Measurement?[baselines.Count];
        for (var r = 0; r < rounds; r++)
        {
            var b = Measure(() => RunBare(corpus, corpus.Count, bare, output), corpus.Count);
            bestBare = bestBare is null || b.EventsPerCpuSecond > bestBare.EventsPerCpuSecond ? b : bestBare;
            var line = $"round {r + 1}: bare {b}";
            for (var c = 0; c < chains.Count; c++)
            {
                // Candidate and baseline take turns going first, so that no bias of the order (the one after the bare
                // round trip, or after the other build, finding the caches and the heap in another state) is built into
                // every round of a comparison whose differences are a few per cent.
                var baselineFirst = c < baselines.Count && r % 2 == 1;
                Measurement? bm = null;
                if (baselineFirst)
                {
                    bm = Measure(() => RunBaseline(corpus, corpus.Count, baselines[c], baselineSessions[c], output), corpus.Count);
                }

                var m = Measure(() => RunChain(corpus, corpus.Count, chainSessions[c], output), corpus.Count);
                best[c] = best[c] is { } previous && previous.EventsPerCpuSecond >= m.EventsPerCpuSecond ? previous : m;
                line += $"; {chains[c].Name}: {m}";
                if (c < baselines.Count)
                {
                    bm ??= Measure(() => RunBaseline(corpus, corpus.Count, baselines[c], baselineSessions[c], output), corpus.Count);
                    bestBaseline[c] = bestBaseline[c] is { } before && before.EventsPerCpuSecond >= bm.EventsPerCpuSecond ? before : bm;
                    line += $"; baseline {chains[c].Name}{(baselineFirst ? " (first)" : "")}: {bm}";
                }
            }

            Console.WriteLine(line);
        }

        if (breakdown)
        {
            Breakdown(corpus, chains[0].Chain, chainSessions[0], baselines.Count > 0 ? baselines[0] : null, output);
        }

        Console.WriteLine();
        Console.WriteLine($"bare parse+rewrite : {bestBare}");
        var none = chains.FindIndex(c => c.Chain.Options.GeoIp.CityDatabasePath is null && c.Chain.Options.GeoIp.AsnDatabasePath is null);
        for (var c = 0; c < chains.Count; c++)
        {
            var (name, chain) = chains[c];
            var ratio = best[c]!.EventsPerCpuSecond / bestBare!.EventsPerCpuSecond;
            var s = chain.Statistics;
            Console.WriteLine();
            Console.WriteLine($"chain, {name}: {best[c]}");
            Console.WriteLine($"  chain / bare (events per CPU-second): {ratio:P0} (target >= {TargetRatio:P0}: {(ratio >= TargetRatio ? "met" : "NOT met")}); " +
                              $"{best[c]!.EventsPerCpuSecond:N0} events per CPU-second (target >= {TargetEventsPerCpuSecond:N0}: " +
                              $"{(best[c]!.EventsPerCpuSecond >= TargetEventsPerCpuSecond ? "met" : "NOT met")})");
            if (none >= 0 && none != c)
            {
                var geoRatio = best[c]!.EventsPerCpuSecond / best[none]!.EventsPerCpuSecond;
                Console.WriteLine($"  with GeoIP / without (events per CPU-second): {geoRatio:F2}x (target >= {TargetGeoIpRatio:F1}x: {(geoRatio >= TargetGeoIpRatio ? "met" : "NOT met")})");
            }

            if (c < baselines.Count)
            {
                var b = bestBaseline[c]!;
                Console.WriteLine($"  baseline ({baselineFolder}): {b}; chain / bare {b.EventsPerCpuSecond / bestBare.EventsPerCpuSecond:P0}; " +
                                  $"candidate / baseline {best[c]!.EventsPerCpuSecond / b.EventsPerCpuSecond:F2}x" +
                                  (none >= 0 && none != c ? $"; baseline with GeoIP / without {b.EventsPerCpuSecond / bestBaseline[none]!.EventsPerCpuSecond:F2}x" : ""));
            }

            Console.WriteLine($"  work done: traces linked {s.TracesLinked:N0}, error categories {s.ErrorCategories.Total:N0}, masks {s.Masks.Total:N0}, " +
                              $"geoip {string.Join(' ', s.GeoIp.Snapshot().Select(kv => $"{kv.Key}={kv.Value:N0}"))}, failures {s.EnricherFailures.Total}");
        }

        foreach (var kept in chainSessions.Concat(baselineSessions))
        {
            kept.Dispose();
        }

        foreach (var (_, chain) in chains)
        {
            chain.Dispose();
        }

        foreach (var baseline in baselines)
        {
            baseline.Dispose();
        }

        return Task.FromResult(0);
    }

    private static string DatabasePath(string value, bool asn)
    {
        if (value != "real-size")
        {
            return Path.GetFullPath(value);
        }

        var (city, asnPath) = Geo.RealSizeGeoDatabases.Ensure();
        return asn ? asnPath : city;
    }

    private static string Describe(EnrichmentOptions options) =>
        (options.GeoIp.CityDatabasePath is null && options.GeoIp.AsnDatabasePath is null
            ? "no GeoIP database"
            : $"GeoIP {Path.GetFileName(options.GeoIp.CityDatabasePath) ?? "-"} + {Path.GetFileName(options.GeoIp.AsnDatabasePath) ?? "-"}")
        + (options.Normalization.Enabled ? "" : ", normalization off");

    /// <summary>Builds a chain, reporting the CPU time its databases took to open and verify.</summary>
    private static EnrichmentChain Open(EnrichmentOptions options)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var chain = EnrichmentChain.Create(options);
        process.Refresh();
        Console.WriteLine($"opened: {Describe(options)} in {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU");
        return chain;
    }

    /// <summary>Cost of the record model alone and of each enricher on top of it (one thread, same lines).</summary>
    private static void Breakdown(EnrichmentCorpus corpus, EnrichmentChain chain, ChainSessions chainSessions, BaselineChain? baseline,
        ArrayBufferWriter<byte> output)
    {
        // A chain of its own for the stages alone: a chain's sessions share its trace budget, and the run's kept sessions
        // hold all of it, so a session of the same chain would link with room for one trace (no eviction, no cache misses).
        using var own = EnrichmentChain.Create(chain.Options);
        using var session = own.CreateSession();
        using var baselineStages = baseline is null ? null : BaselineStages.Open(baseline);
        var enrichers = session.Enrichers;

        // The stages in chain order, and the whole chain against them, run the enrichers of the session the chain runs
        // measure (kept for the run unless --fresh-sessions), so both sides are in the same steady state: with another
        // session's, trace linking's table was not the one the chain runs had filled, and the difference showed up as
        // the session's own cost. With fresh sessions, the chain runs' sessions do not outlive a run.
        var chainEnrichers = chainSessions.Fresh ? enrichers : ((EnrichmentSession)chainSessions.Take()[0]).Enrichers;
        var model = Measure(() => RunStage(corpus, null, output), corpus.Count);
        Console.WriteLine($"stage parse+write  : {model}");
        var baselineModel = baselineStages is null ? null : Measure(() => baselineStages.Run(corpus, null, output), corpus.Count);
        if (baselineModel is not null)
        {
            Console.WriteLine($"  baseline         : {baselineModel}");
        }

        foreach (var enricher in enrichers)
        {
            var m = Measure(() => RunStage(corpus, enricher, output), corpus.Count);
            var extra = m.Cpu.TotalMilliseconds * 1e6 / m.Events - model.Cpu.TotalMilliseconds * 1e6 / model.Events;
            Console.WriteLine($"stage +{enricher.Name,-17}: {m}; enricher ≈ {extra:F0} ns CPU/event");
            if (baselineStages is not null && baselineStages.Names.Contains(enricher.Name))
            {
                var bm = Measure(() => baselineStages.Run(corpus, enricher.Name, output), corpus.Count);
                var baselineExtra = bm.Cpu.TotalMilliseconds * 1e6 / bm.Events - baselineModel!.Cpu.TotalMilliseconds * 1e6 / baselineModel.Events;
                Console.WriteLine($"  baseline         : {bm}; enricher ≈ {baselineExtra:F0} ns CPU/event; candidate / baseline {extra / baselineExtra:F2}x");
            }
        }

        // The same stages added one after another in chain order, with the session's own steps between them (trace
        // linking told of the record before normalization, the record's time settled after it): each line's difference
        // to the one before is what that stage costs inside the chain, where it sees the fields the stages before it
        // wrote.
        var previous = model;
        for (var count = 1; count <= chainEnrichers.Count; count++)
        {
            var prefix = chainEnrichers.Take(count).ToArray();
            var m = Measure(() => RunPrefix(corpus, prefix, output), corpus.Count);
            var extra = m.Cpu.TotalMilliseconds * 1e6 / m.Events - previous.Cpu.TotalMilliseconds * 1e6 / previous.Events;
            Console.WriteLine($"chain to {prefix[^1].Name,-17}: {m}; this stage ≈ {extra:F0} ns CPU/event");
            previous = m;
        }

        // The whole chain against all its stages run by hand, alternately and best of three each: the difference,
        // small beside the load's swings between two single measurements, is what the session adds (parsing into the
        // thread's arena, its enricher sequence, the counters, the result).
        var all = chainEnrichers.ToArray();
        Measurement? bestStages = null;
        Measurement? bestWhole = null;
        for (var r = 0; r < 3; r++)
        {
            var stages = Measure(() => RunPrefix(corpus, all, output), corpus.Count);
            bestStages = bestStages is null || stages.EventsPerCpuSecond > bestStages.EventsPerCpuSecond ? stages : bestStages;
            var whole = Measure(() => RunChain(corpus, corpus.Count, chainSessions, output), corpus.Count);
            bestWhole = bestWhole is null || whole.EventsPerCpuSecond > bestWhole.EventsPerCpuSecond ? whole : bestWhole;
        }

        var rest = bestWhole!.Cpu.TotalMilliseconds * 1e6 / bestWhole.Events - bestStages!.Cpu.TotalMilliseconds * 1e6 / bestStages.Events;
        Console.WriteLine($"session (whole chain): {bestWhole}; stages by hand {bestStages.EventsPerCpuSecond:N0} events/CPU-s; " +
                          $"session's own steps ≈ {rest:F0} ns CPU/event (best of 3 each, alternated)");
    }

    private static void RunPrefix(EnrichmentCorpus corpus, ILogEnricher[] enrichers, ArrayBufferWriter<byte> output)
    {
        var pool = new Enrichers.Json.LogNodePool();
        var trace = enrichers.OfType<Enrichers.Tracing.TraceLinkingEnricher>().FirstOrDefault();
        for (var i = 0; i < corpus.Count; i++)
        {
            pool.Reset();
            var record = Enrichers.Json.LogRecordParser.TryParse(corpus[i], out _, Enrichers.Json.LogRecordParser.DefaultMaxBytes,
                Enrichers.Json.LogRecordParser.DefaultMaxDepth, pool)!;

            // The session tells trace linking about the record as soon as it is parsed, and settles the record's time
            // after normalization, before the other enrichers.
            trace?.Prepare(record);
            var settled = false;
            foreach (var enricher in enrichers)
            {
                if (!settled && enricher is not Enrichers.Normalization.NormalizationEnricher)
                {
                    Enrichers.Timestamps.RecordTimestamp.Ensure(record, null, TimeProvider.System);
                    settled = true;
                }

                enricher.Enrich(record);
            }

            if (!settled)
            {
                Enrichers.Timestamps.RecordTimestamp.Ensure(record, null, TimeProvider.System);
            }

            record.WriteTo(output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
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

    private static void RunBaseline(EnrichmentCorpus corpus, int count, BaselineChain baseline, ChainSessions sessions, ArrayBufferWriter<byte> output)
    {
        var session = sessions.Take()[0];
        for (var i = 0; i < count; i++)
        {
            baseline.Enrich(session, corpus[i], output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
    }

    private static void RunChain(EnrichmentCorpus corpus, int count, ChainSessions chainSessions, ArrayBufferWriter<byte> output)
    {
        var sessions = chainSessions.Take();
        for (var i = 0; i < count; i++)
        {
            ((EnrichmentSession)sessions[i / SessionRun % sessions.Length]).Enrich(corpus[i], output);
            if (output.WrittenCount > 3 * 1024 * 1024)
            {
                output.ResetWrittenCount();
            }
        }

        output.ResetWrittenCount();
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
