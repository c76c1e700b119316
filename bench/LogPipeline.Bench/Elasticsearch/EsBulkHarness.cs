using System.Diagnostics;
using System.Globalization;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Testing.Elasticsearch;
using static LogPipeline.Bench.HarnessArguments;

namespace LogPipeline.Bench.Elasticsearch;

/// <summary>Indexing throughput of <see cref="ElasticsearchSink"/> into the in-process test server (docs/s).
/// The server shares the process and its CPU, so the number is a floor for the sink, not a cluster figure.</summary>
public sealed class EsBulkHarness : IHarness
{
    public string Name => "es-bulk";

    public string Description => "ElasticsearchSink into the in-process test server: --records N --batch N --concurrency N --gzip --item-429 RATE";

    public async Task<int> RunAsync(string[] args)
    {
        var records = IntArg(args, "--records", 300_000);
        var batch = IntArg(args, "--batch", 5000);
        var concurrency = IntArg(args, "--concurrency", 2);
        var gzip = args.Contains("--gzip");
        var rejectRate = double.Parse(StringArg(args, "--item-429") ?? "0", CultureInfo.InvariantCulture);

        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.ItemRejectionRate = rejectRate;
        var options = new ElasticsearchSinkOptions
        {
            Nodes = [server.Url.ToString()],
            RetentionDays = 30,
            Bulk =
            {
                MaxDocuments = batch,
                MaxConcurrentRequests = concurrency,
                Compression = gzip,
                RetryInitialDelay = TimeSpan.FromMilliseconds(10),
                RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            },
        };
        var data = SomeLogRecords.Many(records);
        var bytes = data.Sum(r => (long)r.Document.Length);
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());
        await sink.StartAsync(acknowledger, CancellationToken.None);

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var record in data)
        {
            await sink.WriteAsync(record, CancellationToken.None);
        }

        await sink.FlushAsync(CancellationToken.None);
        clock.Stop();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        var stored = server.CountDocuments(options.Target);
        Console.WriteLine($"es-bulk: {records:N0} docs ({bytes / records} B avg), batch {batch}, concurrency {concurrency}, gzip {gzip}, item-429 {rejectRate:P0}");
        Console.WriteLine($"  elapsed {clock.Elapsed.TotalSeconds:F2} s, {records / clock.Elapsed.TotalSeconds:N0} docs/s, {bytes / clock.Elapsed.TotalSeconds / 1e6:F1} MB/s");
        Console.WriteLine($"  process CPU {cpuUsed.TotalSeconds:F2} s ({records / cpuUsed.TotalSeconds:N0} docs per CPU-second, sink and server together)");
        Console.WriteLine($"  test server _bulk handler wall time {server.BulkHandlerTime.TotalSeconds:F2} s (summed over concurrent requests)");
        Console.WriteLine($"  bulk requests {server.BulkRequests:N0}, injected 429 items {server.InjectedItemRejections:N0}, stored {stored:N0}, acknowledged {acknowledger.AcknowledgedCount:N0}, rejected {acknowledger.Rejected.Count:N0}");
        return stored == records && acknowledger.AcknowledgedCount == records ? 0 : 1;
    }
}
