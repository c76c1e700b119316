using System.Diagnostics;
using LogPipeline.Demo.Kafka;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Bench.Soak;

/// <summary>A bounded soak: records produced at a steady rate into the embedded Kafka cluster, the real worker as a
/// child process writing to the Elasticsearch test server, and faults injected on a seeded schedule (SIGKILL and
/// restart, a broker down, Elasticsearch down or answering 503, 429 storms, 403 windows, poison bursts). It ends
/// with a ledger that accounts for every record Kafka acknowledged (indexed, or dead-lettered by reason, exactly
/// once), the peak RSS and the longest pause, and exits 1 when anything was lost or duplicated.</summary>
public sealed class SoakHarness : IHarness
{
    private const string Topic = "smm-logs-raw";
    private const string Target = "smm-logs-default";

    public string Name => "soak";

    public string Description =>
        "faults on a seeded schedule while producing steadily, then a ledger: --duration 4m --seed 1 --rate 1000 --partitions 24 [--worker-dll PATH] [--Section:Key=value]";

    public async Task<int> RunAsync(string[] args)
    {
        var options = SoakOptions.Parse(args);
        Console.WriteLine($"soak: {options.Duration} at {options.Rate:N0} records/s into {options.Partitions} partitions, seed {options.Seed}, started {DateTime.UtcNow:O}");

        using var kafka = EmbeddedKafkaCluster.Start(brokers: 3);
        await using var elasticsearch = await ElasticsearchTestServer.StartAsync();
        elasticsearch.KeepSources = false;
        kafka.CreateTopic(Topic, options.Partitions);
        kafka.CreateTopic(Topic + ".dlq", options.DeadLetterPartitions);

        using var producer = new SoakProducer(kafka.BootstrapServers, Topic, options.Partitions, options.Rate, options.Seed);
        using var deadLetters = new DeadLetterCollector(kafka.BootstrapServers, Topic + ".dlq", options.DeadLetterPartitions);
        using var raw = new RawTopicReader(kafka.BootstrapServers, Topic, options.Partitions);
        await using var worker = new SoakWorker(options.WorkerDll,
        [
            $"--Kafka:Consumer:BootstrapServers={kafka.BootstrapServers}",
            "--Kafka:Consumer:GroupId=soak",
            // A killed member holds its partitions until its session times out; a pod restarted after a kill -9
            // waits that long. 10 s keeps the soak's pauses about the faults, not the default 45 s timeout.
            "--Kafka:Consumer:SessionTimeoutMs=10000",
            $"--Kafka:Source:Topics:0={Topic}",
            $"--Elasticsearch:Nodes:0={elasticsearch.Url}",
            "--Logging:LogLevel:Default=Warning",
            .. options.WorkerArguments,
        ]);

        var clock = Stopwatch.StartNew();
        var monitor = new SoakMonitor(producer, () => elasticsearch.CountDocuments(Target), deadLetters, worker, clock);
        using var stopMonitor = new CancellationTokenSource();
        var monitoring = monitor.RunAsync(stopMonitor.Token);
        producer.Start();
        worker.Start();

        var schedule = new FaultSchedule(options.Seed);
        var injected = Enum.GetValues<SoakFault>().ToDictionary(f => f, _ => 0);
        while (true)
        {
            var gap = schedule.Between(options.Gap);
            var length = schedule.Between(options.FaultLength);
            if (clock.Elapsed + gap + length >= options.Duration)
            {
                await Task.Delay(options.Duration - clock.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
                break;
            }

            await Task.Delay(gap);
            var fault = schedule.Next();
            injected[fault]++;
            monitor.CurrentFault = fault.ToString();
            Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F0} s  fault {fault} for {length.TotalSeconds:F1} s");
            await InjectAsync(fault, length, schedule, kafka, elasticsearch, producer, worker);
            monitor.CurrentFault = "none";
        }

        Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F0} s  production stops; waiting for the worker to settle every record");
        producer.StopAndFlush(TimeSpan.FromMinutes(2));
        SoakLedger Ledger() => SoakLedger.Build(Topic, producer.Produced(), elasticsearch.DocumentIds(Target), deadLetters.Origins,
            (p, o) => raw.SequenceAt(p, o) is var s and >= 0 && (s % options.Partitions != p || producer.OffsetOf(s) != o));

        // Counts alone cannot tell when the last record is in: a record both indexed and dead-lettered, or a copy the
        // broker stored twice, counts twice. So the ledger itself is drawn until nothing is missing.
        var missing = long.MaxValue;
        var lastProgress = clock.Elapsed;
        while (clock.Elapsed - lastProgress < options.DrainPatience)
        {
            await Task.Delay(5000);
            var now = Ledger().Missing;
            Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F0} s  draining: {now:N0} records neither indexed nor dead-lettered");
            if (now < missing)
            {
                missing = now;
                lastProgress = clock.Elapsed;
            }

            if (now == 0)
            {
                break;
            }
        }

        await stopMonitor.CancelAsync();
        await monitoring;
        worker.SampleRss();
        var lastExit = await worker.StopAsync(TimeSpan.FromSeconds(90));
        // What the worker dead-lettered while stopping is read before the ledger is drawn.
        await Task.Delay(2000);

        var ledger = Ledger();
        Console.WriteLine();
        Console.WriteLine($"soak ledger (seed {options.Seed}, {options.Duration}, {options.Rate:N0} records/s, {options.Partitions} partitions, ended {DateTime.UtcNow:O})");
        ledger.WriteTo(Console.Out);
        Console.WriteLine($"  produce failures (never in Kafka)  {producer.Failed,12:N0}   ({producer.Sent:N0} sent)");
        Console.WriteLine($"  dead letters without origin        {deadLetters.WithoutOrigin,12:N0}");
        Console.WriteLine($"  faults injected                    {string.Join(", ", injected.Select(kv => $"{kv.Key} ×{kv.Value}"))}");
        Console.WriteLine($"  worker processes                   {worker.Starts,12}   exit codes {string.Join(' ', worker.ExitCodes)} (-1 = killed; last = SIGTERM at the end: {lastExit}); {worker.UnexpectedExits} ended by themselves");
        Console.WriteLine($"  worker peak RSS (VmHWM, any)       {worker.PeakRss / (1024.0 * 1024),12:F0} MiB");
        Console.WriteLine($"  longest pause                      {monitor.LongestPause.TotalSeconds,12:F0} s   (nothing settled while records waited; from {monitor.LongestPauseAt.TotalSeconds:F0} s, during {monitor.LongestPauseDuring})");
        Console.WriteLine($"  largest lag                        {monitor.MaxLag,12:N0} records   (≈ {monitor.MaxLag / (double)options.Rate:F0} s of production)");
        Console.WriteLine($"  verdict                            {(ledger.LostOrDuplicated ? "LOST OR DUPLICATED RECORDS" : "nothing lost, nothing duplicated")}");
        return ledger.LostOrDuplicated ? 1 : 0;
    }

    private static async Task InjectAsync(SoakFault fault, TimeSpan length, FaultSchedule schedule, EmbeddedKafkaCluster kafka,
        ElasticsearchTestServer elasticsearch, SoakProducer producer, SoakWorker worker)
    {
        var faults = elasticsearch.Faults;
        switch (fault)
        {
            case SoakFault.KillWorker:
                await worker.KillAsync();
                // As long as a pod takes to be started again.
                await Task.Delay(TimeSpan.FromSeconds(schedule.Between(1, 3)));
                worker.Start();
                break;
            case SoakFault.BrokerDown:
                var broker = schedule.Between(1, kafka.BrokerCount);
                kafka.SetBrokerDown(broker);
                await Task.Delay(length);
                kafka.SetBrokerUp(broker);
                break;
            case SoakFault.ElasticsearchDown:
                await elasticsearch.StopAsync();
                await Task.Delay(length);
                await elasticsearch.RestartAsync();
                break;
            case SoakFault.Elasticsearch503:
                faults.RequestFailureStatus = 503;
                faults.FailAllRequests = true;
                await Task.Delay(length);
                faults.FailAllRequests = false;
                break;
            case SoakFault.Storm429:
                await ItemRejectionsAsync(faults, 0.5, 429, null, length);
                break;
            case SoakFault.Forbidden403:
                await ItemRejectionsAsync(faults, 1.0, 403, "security_exception", length);
                break;
            case SoakFault.PoisonBurst:
                producer.InjectPoison(schedule.Between(50, 300));
                await Task.Delay(length);
                break;
        }
    }

    private static async Task ItemRejectionsAsync(ElasticsearchFaults faults, double rate, int status, string? type, TimeSpan length)
    {
        faults.ItemRejectionStatus = status;
        faults.ItemRejectionType = type;
        faults.ItemRejectionRate = rate;
        await Task.Delay(length);
        faults.ItemRejectionRate = 0;
        faults.ItemRejectionStatus = 429;
        faults.ItemRejectionType = null;
    }
}
