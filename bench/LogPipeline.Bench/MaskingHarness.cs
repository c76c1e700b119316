using System.Buffers;
using System.Diagnostics;
using Enrichers.Json;
using Enrichers.Masking;
using Enrichers;
using LogPipeline.Bench.Enrichment;
using LogPipeline.Demo.Generator;
using static LogPipeline.Bench.HarnessArguments;

namespace LogPipeline.Bench;

/// <summary>Cost of masking per record in CPU time (not wall time, so other processes on the machine distort it
/// less): parse+write of generator records with and without masking, single thread, the best of several
/// rounds. Reports the masking share of the record and its allocations.</summary>
public sealed class MaskingHarness : IHarness
{
    public string Name => "masking";

    public string Description =>
        "PII masking cost per record in CPU time: --records N (20000) --rounds N (5) --corpus smm|pii-dense (smm) --only markers|fields|scan [--field PATH: with fields, that field only]";

    public Task<int> RunAsync(string[] args)
    {
        var count = IntArg(args, "--records", 20_000);
        var rounds = IntArg(args, "--rounds", 5);
        var corpus = StringArg(args, "--corpus", "smm");
        var all = corpus == "smm"
            ? new SmmLogGenerator(new SmmLogGeneratorOptions { PoisonRate = 0 })
                .Generate(count)
                .Select(line => (ReadOnlyMemory<byte>)line.Utf8)
                .ToArray()
            : Lines(EnrichmentCorpus.Generate(count, 42, corpus));
        var markers = new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics());
        if (StringArg(args, "--only") == "fields")
        {
            MaskingFieldCosts.Run(all, markers, rounds, corpus, StringArg(args, "--field"));
            return Task.FromResult(0);
        }

        if (StringArg(args, "--only") == "scan")
        {
            MaskingScanFloor.Run(all, rounds, corpus);
            return Task.FromResult(0);
        }

        if (StringArg(args, "--only") == "markers")
        {
            // For a profiler: only the masked pass, so its samples are not mixed with the others', and nodes from a
            // pool as in a session, so the collector's work does not hide the masking's.
            var pool = new LogNodePool();
            Measure(all, markers, 2, new ArrayBufferWriter<byte>(64 * 1024), pool);
            var (ns, bytes) = Measure(all, markers, rounds, new ArrayBufferWriter<byte>(64 * 1024), pool);
            Console.WriteLine($"masking ({corpus}, markers only, pooled nodes): {all.Length:N0} records, best of {rounds} rounds: " +
                $"parse+mask+write {ns:F0} ns/record ({bytes} B)");
            return Task.FromResult(0);
        }

        var hmac = new PiiMaskingEnricher(new MaskingOptions { HmacKey = "harness-hmac-key-0123456789" }, new EnrichmentStatistics());
        var statistics = new EnrichmentStatistics();
        var counting = new PiiMaskingEnricher(new MaskingOptions(), statistics);
        var clean = all.Where(raw => IsClean(raw, counting)).ToArray();
        var output = new ArrayBufferWriter<byte>(64 * 1024);

        // Warm-up, so every path runs optimized code (tiered JIT) before it is measured.
        foreach (var masking in new[] { null, markers, hmac })
        {
            Measure(all, masking, 2, output);
        }

        Console.WriteLine($"masking: {all.Length:N0} generator records ({all.Sum(r => (long)r.Length) / all.Length} B avg), " +
            $"{clean.Length:N0} of them with nothing to mask; best of {rounds} rounds, one thread, CPU time");
        foreach (var (set, records) in new[] { ("mixed", all), ("clean", clean) })
        {
            // A PII-dense corpus may have no record without something to mask.
            if (records.Length == 0)
            {
                Console.WriteLine($"  {set}: no records");
                continue;
            }

            var (baseNs, baseBytes) = Measure(records, null, rounds, output);
            var (maskNs, maskBytes) = Measure(records, markers, rounds, output);
            var (hmacNs, hmacBytes) = Measure(records, hmac, rounds, output);
            Console.WriteLine($"  {set}: parse+write {baseNs:F0} ns/record ({baseBytes} B); " +
                $"+markers {maskNs:F0} ns (masking {maskNs - baseNs:F0} ns, {maskBytes - baseBytes} B); " +
                $"+hmac {hmacNs:F0} ns (masking {hmacNs - baseNs:F0} ns, {hmacBytes - baseBytes} B)");
        }

        Console.WriteLine($"  masks per mixed record: {statistics.Masks.Total / (double)all.Length:F2} " +
            $"({string.Join(", ", statistics.Masks.Snapshot().Select(kv => $"{kv.Key} {kv.Value}"))})");
        return Task.FromResult(0);
    }

    private static ReadOnlyMemory<byte>[] Lines(EnrichmentCorpus corpus) =>
        Enumerable.Range(0, corpus.Count).Select(i => corpus[i]).ToArray();

    private static (double Ns, long Bytes) Measure(ReadOnlyMemory<byte>[] records, PiiMaskingEnricher? masking, int rounds, ArrayBufferWriter<byte> output,
        LogNodePool? pool = null)
    {
        var best = double.MaxValue;
        long bytes = 0;
        for (var round = 0; round < rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            foreach (var raw in records)
            {
                pool?.Reset();
                var record = LogRecordParser.TryParse(raw, out _, LogRecordParser.DefaultMaxBytes, LogRecordParser.DefaultMaxDepth, pool)!;
                masking?.Enrich(record);
                output.ResetWrittenCount();
                record.WriteTo(output);
            }

            var ns = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / records.Length;
            best = Math.Min(best, ns);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / records.Length;
        }

        return (best, bytes);
    }

    private static bool IsClean(ReadOnlyMemory<byte> raw, PiiMaskingEnricher masking)
    {
        var record = LogRecordParser.TryParse(raw, out _)!;
        masking.Enrich(record);
        return record.ToUtf8Bytes().AsSpan().SequenceEqual(raw.Span);
    }
}
