using System.Diagnostics;
using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing;
using static LogPipeline.Bench.HarnessArguments;

namespace LogPipeline.Bench;

/// <summary>Records per second the Kafka source sustains from the embedded cluster into a no-op sink: consume,
/// per-partition ordered processing (JSON check), sink hand-off, acknowledgement, offset tracking and commits.
/// Usage: <c>kafka-source [--records N] [--partitions P] [--size BYTES] [--validate true|false]</c>.</summary>
public sealed class KafkaSourceHarness : IHarness
{
    public string Name => "kafka-source";

    public string Description => "Kafka source throughput from the embedded cluster into a no-op sink";

    public async Task<int> RunAsync(string[] args)
    {
        var records = IntArg(args, "--records", 600_000);
        var partitions = IntArg(args, "--partitions", 12);
        var size = IntArg(args, "--size", 200);
        var validate = !args.Contains("--validate") || StringArg(args, "--validate", "true") == "true";
        var perPartition = records / partitions;
        records = perPartition * partitions;
        const string topic = "smm-logs-raw";

        using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions);
        cluster.CreateTopic(topic + ".dlq", 1);
        var produce = Stopwatch.StartNew();
        KafkaTestRecords.Produce(cluster.BootstrapServers, topic, partitions, perPartition, (p, i) => KafkaTestRecords.LogLine(p, i, size), lingerMs: 200);
        produce.Stop();
        Console.WriteLine($"produced {records:N0} records of ~{size} B on {partitions} partitions (lz4) in {produce.Elapsed.TotalSeconds:0.00} s");

        var sink = new NoOpRecordSink();
        IRecordProcessor processor = validate ? new PassThroughRecordProcessor() : new NoOpProcessor();
        var metrics = new PipelineMetrics();
        var source = new KafkaSource(
            new KafkaSourceOptions { Topics = [topic], CommitInterval = TimeSpan.FromSeconds(1) },
            Consumer(cluster.BootstrapServers, args),
            new ProducerConfig(), processor, sink, metrics);
        using var stop = new CancellationTokenSource();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gcBefore = GC.CollectionCount(0);
        var run = Task.Run(() => source.RunAsync(stop.Token));
        var clock = Stopwatch.StartNew();
        TimeSpan? firstRecord = null;
        long peakInFlight = 0;
        while (source.AcknowledgedRecords < records)
        {
            if (run.IsCompleted)
            {
                await run;
                Console.Error.WriteLine("the source stopped early");
                return 1;
            }

            if (firstRecord is null && source.ReceivedRecords > 0)
            {
                firstRecord = clock.Elapsed;
            }

            peakInFlight = Math.Max(peakInFlight, source.InFlightBytes);
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                Console.Error.WriteLine($"timed out: {source}");
                return 1;
            }

            await Task.Delay(5);
        }

        var elapsed = clock.Elapsed - (firstRecord ?? TimeSpan.Zero);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        stop.Cancel();
        await run;

        var seconds = elapsed.TotalSeconds;
        Console.WriteLine($"kafka-source: {records:N0} records in {seconds:0.00} s = {records / seconds:N0} records/s, " +
            $"{records * (double)size / seconds / 1e6:0.0} MB/s (validate JSON: {validate})");
        Console.WriteLine($"CPU {cpu.TotalSeconds:0.00} s ({records / cpu.TotalSeconds:N0} records per CPU-second, includes the embedded brokers), " +
            $"gen0 GCs {GC.CollectionCount(0) - gcBefore}, peak in-flight {peakInFlight / 1024} KiB, {Environment.ProcessorCount} cores");
        Console.WriteLine(source.ToString());
        return source.AcknowledgedRecords == records ? 0 : 1;
    }

    /// <summary>The consumer settings, with any <c>--set key=value</c> (librdkafka names) applied on top.</summary>
    private static ConsumerConfig Consumer(string bootstrapServers, string[] args)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench", SessionTimeoutMs = 6000 };
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
            {
                config.Set(key, value);
            }
        }

        return config;
    }

    private sealed class NoOpProcessor : IRecordProcessor
    {
        public IPartitionProcessor CreatePartitionProcessor(string topic, int partition) => new Partition();

        private sealed class Partition : IPartitionProcessor
        {
            public ProcessResult Process(PipelineRecord record)
            {
                record.Document = record.Value;
                return ProcessResult.Ok;
            }

            public void Dispose()
            {
            }
        }
    }
}
