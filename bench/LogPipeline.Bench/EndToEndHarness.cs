using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using LogPipeline.Demo.Generator;
using LogPipeline.Demo.Kafka;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Testing;
using static LogPipeline.Bench.HarnessArguments;

namespace LogPipeline.Bench;

/// <summary>The whole worker end to end: generated SMM logs in the embedded Kafka cluster → <c>logpipeline run</c>
/// as a child process (Kafka source, full enrichment chain, Elasticsearch sink) → the Elasticsearch test server.
/// The worker runs in its own process so its CPU time and peak RSS are its own; the broker and the test server run
/// in this process and compete for the same cores, so the numbers are a floor.</summary>
public sealed class EndToEndHarness : IHarness
{
    public string Name => "end-to-end";

    public string Description =>
        "Kafka → logpipeline run (child process) → ES test server: --records N --partitions N [--corpus smm|pii-dense] [--geoip real-size|PATH [--geoip-reload]] [--es-major 8|9] [--no-mapping-checks] [--env VAR=value] [--Section:Key=value] [--worker-dll PATH]";

    public async Task<int> RunAsync(string[] args)
    {
        var records = IntArg(args, "--records", 500_000);
        var partitions = IntArg(args, "--partitions", 48);
        const string topic = "smm-logs-raw";

        using var kafka = EmbeddedKafkaCluster.Start(brokers: 3);
        // --es-major: the test server answers as Elasticsearch 8.x or 9.x (banner, accepted compatible-with, settings).
        var esVersion = ElasticsearchTestServerVersion.ForMajor(IntArg(args, "--es-major", 9));
        await using var elasticsearch = await ElasticsearchTestServer.StartAsync(esVersion);
        elasticsearch.KeepSources = false;
        // --no-mapping-checks: the test server skips checking each document against the mappings, as the test
        // server before those checks did, so the worker's throughput can be compared with runs from before them
        // (the checks run in this process and take CPU from the same two cores as the worker).
        elasticsearch.ValidatesMappings = !args.Contains("--no-mapping-checks");
        kafka.CreateTopic(topic, partitions);
        kafka.CreateTopic(topic + ".dlq", 1);

        // Produce everything first (not measured), so the worker is measured at full speed on a backlog.
        // pii-dense: web-service lines, each from a distinct public address with PII in the text, no poison.
        var corpus = StringArg(args, "--corpus", "smm");
        var generator = new SmmLogGenerator(new SmmLogGeneratorOptions { PoisonRate = 0.001, MaxOversized = 0 });
        var perPartition = (records + partitions - 1) / partitions;
        var lines = corpus == "pii-dense"
            ? Enumerable.Range(0, perPartition * partitions).Select(new Enrichment.PiiDenseLogGenerator(42).Next).ToArray()
            : generator.Generate(perPartition * partitions).Select(l => l.Utf8).ToArray();
        var bytes = lines.Sum(l => (long)l.Length);
        KafkaTestRecords.Produce(kafka.BootstrapServers, topic, partitions, perPartition, (p, i) => lines[i * partitions + p], lingerMs: 200);
        // The broker holds its own copies now. Kept, the generated records (~600 MB for 1.2M) made this process's
        // collections during the run take 150-300 ms each, with the test server frozen and the worker waiting.
        var warmUpLines = lines[..Math.Min(lines.Length, 40_000)];
        lines = null;
        var total = (long)perPartition * partitions;
        if (kafka.DroppedRecords(topic, partitions) is > 0 and var dropped)
        {
            // The worker would never see them, and the harness would wait for them forever.
            Console.WriteLine($"end-to-end: the embedded broker keeps about {EmbeddedKafkaCluster.RetainedBytesPerPartition / (1024 * 1024)} MiB per partition and dropped " +
                $"{dropped:N0} of {total:N0} records; use more --partitions (about {EmbeddedKafkaCluster.PartitionsToHold(total, dropped, partitions)}) or fewer --records");
            return 2;
        }

        await WarmUpAsync(elasticsearch, warmUpLines);
        warmUpLines = null;
        elasticsearch.InitialIndexCapacity = (int)total;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var valid = corpus == "pii-dense" ? total : generator.Counts.Valid;
        Console.WriteLine($"end-to-end: {total:N0} {corpus} records ({bytes / total} B avg, {total - valid} poison) in {partitions} partitions; worker = child process; Elasticsearch test server {esVersion}");

        // --geoip real-size: the City and ASN databases of GeoLite2's size the benchmarks build; --geoip PATH: a City file.
        // --geoip-reload: the worker reads a copy of the City file, which is replaced (as geoipupdate does) once half the
        // records are indexed, so the memory of a reload under load is measured.
        var reloadCity = args.Contains("--geoip-reload");
        string? cityCopy = null;
        string[] geoIp = StringArg(args, "--geoip", "") switch
        {
            "" => [],
            "real-size" when Geo.RealSizeGeoDatabases.Ensure() is var (city, asn) =>
                [$"--Enrichment:GeoIp:CityDatabasePath={CityPath(city)}", $"--Enrichment:GeoIp:AsnDatabasePath={asn}"],
            var path => [$"--Enrichment:GeoIp:CityDatabasePath={CityPath(Path.GetFullPath(path))}"],
        };

        string CityPath(string city)
        {
            if (!reloadCity)
            {
                return city;
            }

            var directory = Directory.CreateTempSubdirectory("lp-e2e-reload-").FullName;
            cityCopy = Path.Combine(directory, Path.GetFileName(city));
            File.Copy(city, cityCopy);
            return cityCopy;
        }

        Console.WriteLine($"end-to-end: GeoIP {(geoIp.Length == 0 ? "no database" : string.Join(' ', geoIp))}");

        // --worker-dll runs another build of the worker, e.g. a ReadyToRun publish like the container image's.
        var workerDll = Array.IndexOf(args, "--worker-dll") is var w and >= 0 && w + 1 < args.Length ? Path.GetFullPath(args[w + 1]) : null;
        var dll = workerDll ?? Path.Combine(AppContext.BaseDirectory, "logpipeline.dll");
        var port = FreePort();
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(info.FileName) != "dotnet")
        {
            info.FileName = "dotnet";
        }

        foreach (var argument in (string[])
            [
                dll, "run",
                $"--Kafka:Consumer:BootstrapServers={kafka.BootstrapServers}",
                "--Kafka:Consumer:GroupId=bench",
                $"--Kafka:Source:Topics:0={topic}",
                $"--Elasticsearch:Nodes:0={elasticsearch.Url}",
                $"--Http:Address=127.0.0.1:{port}",
                "--Logging:LogLevel:Default=Warning",
                .. geoIp,
                .. args.Where(a => a.Contains(':', StringComparison.Ordinal) && a.StartsWith("--", StringComparison.Ordinal)),
            ])
        {
            info.ArgumentList.Add(argument);
        }

        // As the container image runs it; --env can override these.
        foreach (var (key, value) in LogPipeline.Hosting.ImageRuntimeSettings.Environment)
        {
            info.Environment[key] = value;
        }

        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--env" && args[i + 1].Split('=', 2) is [var key, var value])
            {
                info.Environment[key] = value;
            }
        }

        Console.WriteLine("end-to-end: worker environment: " + string.Join(' ', LogPipeline.Hosting.ImageRuntimeSettings.Environment.Keys
            .Concat(args.Where((a, i) => i > 0 && args[i - 1] == "--env").Select(a => a.Split('=')[0])).Distinct()
            .Select(k => $"{k}={info.Environment[k]}")));
        using var worker = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker");
        worker.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.WriteLine("  worker: " + e.Data); } };
        worker.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.WriteLine("  worker: " + e.Data); } };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();

        var target = "smm-logs-default";
        var benchCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var benchPauseStart = GC.GetTotalPauseDuration();
        int[] benchGcStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var handlerStart = elasticsearch.BulkHandlerTime;
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        TimeSpan firstCpu = TimeSpan.Zero;
        var firstTicks = MachineTicks.Read();
        // The second half of the backlog, once JIT tiering and pool growth are behind: what a long-running pod sees.
        TimeSpan? half = null;
        TimeSpan halfCpu = TimeSpan.Zero;
        long halfIndexed = 0;
        long peakRss = 0;
        long reloadRssBefore = 0;
        // Resident set sampled every 100 ms over the warm half: the steady figure the target is about.
        var warmRss = new List<long>();
        long indexed = 0;
        var lastReport = TimeSpan.Zero;
        while (indexed < valid && !worker.HasExited)
        {
            await Task.Delay(100);
            indexed = elasticsearch.CountDocuments(target);
            peakRss = Math.Max(peakRss, Status(worker.Id, "VmHWM:"));
            if (half is not null)
            {
                warmRss.Add(Status(worker.Id, "VmRSS:"));
            }

            if (first is null && indexed > 0)
            {
                first = clock.Elapsed;
                firstCpu = CpuTime(worker);
                firstTicks = MachineTicks.Read();
            }

            if (half is null && indexed >= valid / 2)
            {
                half = clock.Elapsed;
                halfCpu = CpuTime(worker);
                halfIndexed = indexed;
                if (cityCopy is not null)
                {
                    // A new file under the same name, renamed into place with a new modification time, as geoipupdate
                    // leaves it: the worker sees another identity (a copy keeps the time, and the same length and time
                    // are taken for the same file) and reloads.
                    var replacement = cityCopy + ".new";
                    File.Copy(cityCopy, replacement, overwrite: true);
                    File.SetLastWriteTimeUtc(replacement, DateTime.UtcNow);
                    File.Move(replacement, cityCopy, overwrite: true);
                    reloadRssBefore = Status(worker.Id, "VmRSS:");
                    Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1} s {indexed,10:N0} indexed: City database replaced, RSS {reloadRssBefore / (1024 * 1024)} MiB");
                }
            }

            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(2))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1} s {indexed,10:N0} indexed, RSS {Status(worker.Id, "VmRSS:") / (1024 * 1024)} MiB");
            }
        }

        var elapsed = clock.Elapsed;
        var lastTicks = MachineTicks.Read();
        var cpu = worker.HasExited ? TimeSpan.Zero : CpuTime(worker);
        var benchCpu = Process.GetCurrentProcess().TotalProcessorTime - benchCpuStart;
        var benchPause = GC.GetTotalPauseDuration() - benchPauseStart;
        var benchGcs = string.Join('/', benchGcStart.Select((n, g) => GC.CollectionCount(g) - n));
        var handler = elasticsearch.BulkHandlerTime - handlerStart;
        if (worker.HasExited)
        {
            Console.WriteLine($"the worker exited early with code {worker.ExitCode}");
            return 1;
        }

        await PrintMemoryMetricsAsync(port);
        worker.Kill();
        await worker.WaitForExitAsync();

        var steady = elapsed - first!.Value;
        var ids = elasticsearch.DocumentIds(target);
        Console.WriteLine($"  indexed {indexed:N0} of {valid:N0} valid records, {ids.Count(kv => kv.Value > 1)} duplicate _ids");
        Console.WriteLine($"  wall time from start       {elapsed.TotalSeconds,8:F2} s  {total / elapsed.TotalSeconds,10:N0} records/s (incl. start-up, group join, bootstrap)");
        Console.WriteLine($"  wall time first→last doc   {steady.TotalSeconds,8:F2} s  {total / steady.TotalSeconds,10:N0} records/s");
        Console.WriteLine($"  worker CPU                 {cpu.TotalSeconds,8:F2} s  {cpu.TotalMicroseconds / total,10:F1} µs per record ({total / cpu.TotalSeconds:N0} records per CPU-second)");
        Console.WriteLine($"  worker CPU first→last doc  {(cpu - firstCpu).TotalSeconds,8:F2} s  {(cpu - firstCpu).TotalMicroseconds / total,10:F1} µs per record");
        // Start-up: what a restarted pod spends (JIT, databases opened, group join) before its first document.
        Console.WriteLine($"  worker CPU to first doc    {firstCpu.TotalSeconds,8:F2} s  (wall {first.Value.TotalSeconds:F2} s)");
        if (half is { } h && indexed > halfIndexed)
        {
            var secondHalf = indexed - halfIndexed;
            Console.WriteLine($"  second half (warm)         {(elapsed - h).TotalSeconds,8:F2} s  {secondHalf / (elapsed - h).TotalSeconds,10:N0} records/s, worker {(cpu - halfCpu).TotalMicroseconds / secondHalf,5:F1} µs per record");
        }
        // The other side of the 2 cores: the embedded broker and the test server run in this process.
        Console.WriteLine($"  broker + ES server CPU     {benchCpu.TotalSeconds,8:F2} s  {benchCpu.TotalMicroseconds / total,10:F1} µs per record (this process; _bulk handler wall time {handler.TotalSeconds:F2} s)");
        // While this process collects, the test server answers nothing and the worker waits: the pauses are time
        // the worker could not have used.
        Console.WriteLine($"  broker + ES server GC      {benchPause.TotalSeconds,8:F2} s paused, collections gen0/1/2 {benchGcs}");
        Console.WriteLine($"  worker peak RSS (VmHWM)    {peakRss / (1024.0 * 1024),8:F0} MiB");
        if (warmRss.Count > 0)
        {
            warmRss.Sort();
            Console.WriteLine($"  worker RSS, warm half      {warmRss[warmRss.Count / 2] / (1024.0 * 1024),8:F0} MiB median, {warmRss[^1] / (1024.0 * 1024):F0} MiB max ({warmRss.Count} samples)");
        }

        if (cityCopy is not null)
        {
            // The worker's reload shows in logpipeline_geoip_database_reloads_total above; its memory in the peak and the
            // warm half's maximum, which both span it.
            Console.WriteLine($"  City database replaced at half time, RSS then {reloadRssBefore / (1024.0 * 1024):F0} MiB");
            TryDeleteDirectory(Path.GetDirectoryName(cityCopy)!);
        }

        // The machine is a VM on a shared host: time the hypervisor gave to other guests (steal) is the main
        // reason the same code measures ±15 % apart, so each run says how much there was.
        if (lastTicks - firstTicks is { Total: > 0 } window)
        {
            Console.WriteLine($"  machine, first→last doc     idle {100.0 * window.Idle / window.Total,5:F1} %, stolen by the host {100.0 * window.Steal / window.Total,5:F1} % of {Environment.ProcessorCount} cores (/proc/stat)");
        }

        var spoken = string.Join(", ", elasticsearch.CompatibleWithSeen.OrderBy(kv => kv.Key)
            .Select(kv => (kv.Key == 0 ? "plain JSON" : $"compatible-with={kv.Key}") + $" {kv.Value:N0}"));
        Console.WriteLine($"  Elasticsearch {esVersion}: requests {spoken}; refused for their media type {elasticsearch.RefusedMediaTypes}");
        Console.WriteLine($"  targets: ≥ 100,000 records/s end to end, RSS ≤ 200 MB; machine: {Environment.ProcessorCount} cores, load shared with this process's broker and test server");
        return indexed == valid && ids.All(kv => kv.Value == 1) && elasticsearch.RefusedMediaTypes == 0 ? 0 : 1;
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Still mapped by the worker on a file system that refuses that: the temporary folder keeps it.
        }
    }

    // The worker's own view at the end: managed heap versus resident set, collections, and backpressure.
    private static async Task PrintMemoryMetricsAsync(int port)
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith("dotnet_total_memory_bytes", StringComparison.Ordinal)
                || line.StartsWith("process_working_set_bytes", StringComparison.Ordinal)
                || line.StartsWith("process_private_memory_bytes", StringComparison.Ordinal)
                || line.StartsWith("dotnet_collection_count_total", StringComparison.Ordinal)
                || line.StartsWith("logpipeline_inflight", StringComparison.Ordinal)
                // Seconds the source waited at its in-flight bound: the stages behind it were the limit then.
                || line.StartsWith("logpipeline_backpressure_seconds_total", StringComparison.Ordinal)
                || line.StartsWith("logpipeline_geoip_", StringComparison.Ordinal))
            {
                Console.WriteLine("  worker metric: " + line);
            }
        }
    }

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static long Status(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }

        return 0;
    }

    /// <summary>Sends the test server bulk requests into a scratch index (then deletes it), so its JIT tiering is
    /// done before the worker starts: otherwise it compiles on the worker's cores during the measured run.</summary>
    private static async Task WarmUpAsync(ElasticsearchTestServer elasticsearch, byte[][] lines)
    {
        using var http = new HttpClient { BaseAddress = elasticsearch.Url };
        var clock = Stopwatch.StartNew();
        for (var request = 0; request < 40; request++)
        {
            using var body = new MemoryStream();
            for (var i = 0; i < 1000; i++)
            {
                body.Write(System.Text.Encoding.UTF8.GetBytes($"{{\"create\":{{\"_id\":\"w{request}-{i}\"}}}}\n"));
                body.Write(lines[(request * 1000 + i) % lines.Length]);
                body.WriteByte((byte)'\n');
            }

            using var content = new ByteArrayContent(body.ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
            using var response = await http.PostAsync("/bench-warmup/_bulk", content);
            response.EnsureSuccessStatusCode();
        }

        (await http.DeleteAsync("/bench-warmup")).EnsureSuccessStatusCode();
        Console.WriteLine($"  test server warmed up with 40 bulk requests in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
