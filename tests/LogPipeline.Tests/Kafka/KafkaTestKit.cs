using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

/// <summary>One running <see cref="KafkaSource"/> against the embedded cluster, with its own sink and metrics.</summary>
internal sealed class SourceRun
{
    private readonly CancellationTokenSource stop = new();

    private SourceRun(KafkaSource source, InMemoryRecordSink sink, PassThroughRecordProcessor processor, PipelineMetrics metrics,
        Func<KafkaSource, CancellationToken, Task>? host)
    {
        Source = source;
        Sink = sink;
        Processor = processor;
        Metrics = metrics;
        Run = Task.Run(() => host is null ? source.RunAsync(stop.Token) : host(source, stop.Token));
    }

    public KafkaSource Source { get; }

    public InMemoryRecordSink Sink { get; }

    public PassThroughRecordProcessor Processor { get; }

    public PipelineMetrics Metrics { get; }

    public Task Run { get; }

    /// <summary>The last log lines, librdkafka's group debug lines included, when started with <c>traceGroup</c>.</summary>
    public RecentLines? GroupTrace { get; init; }

    public static SourceRun Start(EmbeddedKafkaCluster cluster, string topic, string group, ITestOutputHelper? output = null,
        Action<KafkaSourceOptions>? configure = null, InMemoryRecordSink? sink = null, PassThroughRecordProcessor? processor = null,
        string name = "worker", Action<ConsumerConfig>? configureConsumer = null, Func<KafkaSource, CancellationToken, Task>? host = null,
        IRecordSink? sinkInFront = null, bool traceGroup = false, IRecordProcessor? processorInFront = null)
    {
        var options = new KafkaSourceOptions
        {
            Topics = [topic],
            CommitInterval = TimeSpan.FromMilliseconds(500),
            RevokeDrainTimeout = TimeSpan.FromSeconds(5),
            DrainTimeout = TimeSpan.FromSeconds(10),
            DeadLetterRetryBackoff = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        var consumer = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            ClientId = name,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            TopicMetadataRefreshIntervalMs = 1000,
        };
        if (traceGroup)
        {
            // librdkafka's consumer-group debug lines, kept for the failure message of a rebalance test.
            consumer.Debug = "cgrp";
        }

        configureConsumer?.Invoke(consumer);
        var producer = new ProducerConfig { MessageTimeoutMs = 30_000 };
        var metrics = new PipelineMetrics();
        sink ??= new InMemoryRecordSink();
        processor ??= new PassThroughRecordProcessor();
        var recent = traceGroup ? new RecentLines(400) : null;
        ILogger<KafkaSource>? logger = output is null && recent is null ? null : new TestOutputLogger<KafkaSource>(output, name, recent);
        var source = new KafkaSource(options, consumer, producer, processorInFront ?? processor, sinkInFront ?? sink, metrics, logger);
        return new SourceRun(source, sink, processor, metrics, host) { GroupTrace = recent };
    }

    /// <summary>Graceful shutdown, as the host does it.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        stop.Cancel();
        await Run.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>A crash: nothing more is committed.</summary>
    public async Task AbandonAsync()
    {
        Source.Abandon();
        await Run.WaitAsync(TimeSpan.FromSeconds(60));
    }
}

internal static class KafkaTestKit
{
    /// <summary>Polls <paramref name="condition"/>; the timeout is only a safety net against hanging.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for: {what}. {state?.Invoke()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Offsets committed by <paramref name="group"/>, read without joining the group.</summary>
    public static Dictionary<int, long> Committed(EmbeddedKafkaCluster cluster, string group, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        var result = consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(20));
        return result.ToDictionary(r => r.Partition.Value, r => r.Offset.Value);
    }

    /// <summary>Reads every message of <paramref name="topic"/> (from the start) until <paramref name="count"/> arrived.</summary>
    public static List<ConsumeResult<byte[]?, byte[]>> ReadAll(EmbeddedKafkaCluster cluster, string topic, int count, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[]?, byte[]>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } r)
            {
                results.Add(r);
            }
        }

        consumer.Close();
        return results;
    }

    /// <summary>Offsets per partition as delivered, in delivery order.</summary>
    public static Dictionary<int, List<long>> ByPartition(IEnumerable<RecordOrigin> origins) =>
        origins.GroupBy(o => o.Partition).ToDictionary(g => g.Key, g => g.Select(o => o.Offset).ToList());

    /// <summary>Asserts that every offset 0..perPartition-1 of every partition appears in <paramref name="origins"/>.</summary>
    public static void AssertNoneMissing(IEnumerable<RecordOrigin> origins, int partitions, long perPartition)
    {
        var seen = origins.Select(o => (o.Partition, o.Offset)).ToHashSet();
        for (var p = 0; p < partitions; p++)
        {
            var missing = Enumerable.Range(0, (int)perPartition).Where(o => !seen.Contains((p, o))).Take(5).ToList();
            Assert.True(missing.Count == 0, $"partition {p} misses offsets {string.Join(",", missing)}...");
        }
    }

    public static string Describe(params SourceRun[] runs) =>
        string.Join(" | ", runs.Select(r => $"{r.Source} stored={r.Sink.StoredCount}"));
}

/// <summary>Writes log lines to the test's output (shown when a test fails), and every line, debug ones included, to
/// <paramref name="recent"/> when given.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper? output, string name, RecentLines? recent = null) : ILogger<T>
{
    public TestOutputLogger(ITestOutputHelper output, string name)
        : this(output, name, null)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => recent is not null || logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {name}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}";
        recent?.Add(line);
        if (output is null || logLevel < LogLevel.Information)
        {
            return;
        }

        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output is closed.
        }
    }
}

/// <summary>The last <paramref name="capacity"/> lines written, oldest first.</summary>
internal sealed class RecentLines(int capacity)
{
    private readonly Queue<string> lines = new();

    public void Add(string line)
    {
        lock (lines)
        {
            lines.Enqueue(line);
            if (lines.Count > capacity)
            {
                lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (lines)
        {
            return string.Join(Environment.NewLine, lines);
        }
    }
}
