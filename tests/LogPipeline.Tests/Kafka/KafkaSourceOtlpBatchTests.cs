using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Enrichers;
using LogPipeline.Demo.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Tests.Elasticsearch;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Kafka;

/// <summary>OTLP/JSON batches and trace headers from Kafka through the worker's processor into the Elasticsearch test
/// server: one document per log record under <c>topic:partition:offset:index</c>, the offset committed only once all
/// of them are stored, malformed batches dead-lettered, and the producer's trace headers used where the body has none.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceOtlpBatchTests(ITestOutputHelper output)
{
    private const string Topic = "otlp-logs";
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";

    /// <summary>As the Collector's Kafka exporter writes it (<c>encoding: otlp_json</c>): three log records of one resource,
    /// the first with a trace ID of its own.</summary>
    internal const string Batch = """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent-runtime"}}]},
          "scopeLogs":[{"scope":{"name":"agent.runtime","version":"0.9.1"},"logRecords":[
            {"timeUnixNano":"1765094400000000000","severityNumber":9,"body":{"stringValue":"run started"},"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"},
            {"timeUnixNano":"1765094401000000000","severityText":"WARN","body":{"stringValue":"tool call slow"},"attributes":[{"key":"tool","value":{"stringValue":"search"}}]},
            {"timeUnixNano":"1765094402000000000","severityNumber":17,"body":{"stringValue":"run failed"},"attributes":[{"key":"http.status_code","value":{"intValue":"503"}}]}]}]}]}
        """;

    /// <summary>A cluster with the topic, its dead-letter topic and the messages of <see cref="ProduceMessages"/>.</summary>
    private static EmbeddedKafkaCluster StartWithMessages()
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, 1);
        cluster.CreateTopic(Topic + ".dlq", 1);
        ProduceMessages(cluster);
        return cluster;
    }

    /// <summary>Offset 0: a batch of three (record 0 with its own trace ID), sent with a traceparent header; 1: a malformed
    /// batch with an X-B3-TraceId header; 2: a single record with a traceparent header and no trace ID; 3: a single record with its own trace ID and a
    /// b3 header; 4: a single record with a malformed traceparent header.</summary>
    private static void ProduceMessages(EmbeddedKafkaCluster cluster)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = 30_000,
        }).Build();
        var traceparent = new Headers { { "traceparent", Encoding.UTF8.GetBytes($"00-{TraceId}-{SpanId}-01") } };
        Message(producer, Batch, traceparent);
        Message(producer, """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"ok"}},42]}]}]}""",
            new Headers { { "X-B3-TraceId", Encoding.UTF8.GetBytes(TraceId) } });
        Message(producer, """{"level":"info","service_name":"api","message":"from headers"}""", traceparent);
        Message(producer, """{"level":"info","service_name":"api","message":"own trace","trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""",
            new Headers { { "b3", Encoding.UTF8.GetBytes($"{TraceId}-{SpanId}-1") } });
        Message(producer, """{"level":"info","service_name":"api","message":"bad header"}""",
            new Headers { { "traceparent", "00-not-a-trace"u8.ToArray() } });
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static void Message(IProducer<byte[]?, byte[]> producer, string value, Headers? headers) =>
        producer.Produce(new TopicPartition(Topic, 0), new Message<byte[]?, byte[]> { Value = Encoding.UTF8.GetBytes(value), Headers = headers });

    [Fact]
    public async Task A_batch_becomes_one_document_per_log_record_a_malformed_one_is_dead_lettered_and_a_redelivery_duplicates_nothing()
    {
        using var cluster = StartWithMessages();
        await using var server = await ElasticsearchTestServer.StartAsync();
        var sinkOptions = SinkScenarios.Options(server.Url);
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());

        var first = await ConsumeAllAsync(cluster, "first", sinkOptions, chain);
        var ids = server.DocumentIds(sinkOptions.Target);
        var second = await ConsumeAllAsync(cluster, "second", sinkOptions, chain);

        Assert.Equal([$"{Topic}:0:0:0", $"{Topic}:0:0:1", $"{Topic}:0:0:2", $"{Topic}:0:2", $"{Topic}:0:3", $"{Topic}:0:4"], ids.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(6, first.Created);
        // The second group got every message again: the same _ids, answered 409 and counted as already indexed.
        Assert.Equal((0, 6), (second.Created, second.Duplicates));
        Assert.All(server.DocumentIds(sinkOptions.Target).Values, n => Assert.Equal(1, n));
        Assert.Equal(6, server.CountDocuments(sinkOptions.Target));

        string? TraceOf(string id) => JsonNode.Parse(server.GetDocument(sinkOptions.Target, id)!.Value.Source)!["trace_id"]?.ToString();
        Assert.Equal("5b8efff798038103d269b633813fc60c", TraceOf($"{Topic}:0:0:0"));
        Assert.Equal(TraceId, TraceOf($"{Topic}:0:0:1"));
        Assert.Equal(TraceId, TraceOf($"{Topic}:0:0:2"));
        Assert.Equal(TraceId, TraceOf($"{Topic}:0:2"));
        Assert.Equal("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", TraceOf($"{Topic}:0:3"));
        Assert.Null(TraceOf($"{Topic}:0:4"));
        Assert.Equal(2 * 3, chain.Statistics.TraceHeaders["used"]);
        Assert.Equal(2 * 2, chain.Statistics.TraceHeaders["body"]);
        Assert.Equal(2 * 1, chain.Statistics.TraceHeaders["malformed"]);

        var dead = KafkaTestKit.ReadAll(cluster, Topic + ".dlq", 2);
        Assert.Equal(2, dead.Count);
        Assert.All(dead, d =>
        {
            string Header(string name) => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(name));
            Assert.Equal("1", Header(DeadLetterHeaders.OriginOffset));
            Assert.Equal("invalid_otlp_batch", Header(DeadLetterHeaders.ReasonCode));
            Assert.Equal("not a well-formed OTLP/JSON logs batch: resourceLogs[0].scopeLogs[0].logRecords[1] is a number, not an object",
                Header(DeadLetterHeaders.ReasonText));
            // The original's trace context goes along, for a replay.
            Assert.Equal(TraceId, Header("X-B3-TraceId"));
        });
    }

    [Fact]
    public async Task The_offset_of_a_batch_is_committed_only_once_every_log_record_of_it_is_stored()
    {
        using var cluster = StartWithMessages();
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        var sink = new HoldingSink(r => r.Origin is { Offset: 0, Index: 2 });
        var run = SourceRun.Start(cluster, Topic, "held", output, sinkInFront: sink, processorInFront: new EnrichingRecordProcessor(chain));

        await KafkaTestKit.WaitUntil(() => sink.Stored.Count == 5 && sink.Held == 1 && run.Source.AcknowledgedRecords == 4,
            "every document but the held one stored, the rest acknowledged", state: () => $"{run.Source} stored {sink.Stored.Count}");
        // Several commit intervals pass: the batch at offset 0 is not done, so nothing may be committed.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True(KafkaTestKit.Committed(cluster, "held", Topic, 1)[0] < 0, "committed before the held record was stored");

        sink.Release();
        await KafkaTestKit.WaitUntil(() => KafkaTestKit.Committed(cluster, "held", Topic, 1)[0] == 5, "all five messages committed");
        await run.StopAsync();
        Assert.Equal(5, run.Source.AcknowledgedRecords);
    }

    [Fact]
    public async Task With_KafkaFields_on_every_document_names_its_topic_partition_and_offset_and_the_mapping_accepts_them()
    {
        using var cluster = StartWithMessages();
        await using var server = await ElasticsearchTestServer.StartAsync();
        var sinkOptions = SinkScenarios.Options(server.Url);
        using var chain = EnrichmentChain.Create(new EnrichmentOptions { KafkaFields = true });

        var (created, _) = await ConsumeAllAsync(cluster, "fields", sinkOptions, chain);

        Assert.Equal(6, created);
        string KafkaOf(string id) => JsonNode.Parse(server.GetDocument(sinkOptions.Target, id)!.Value.Source)!["kafka"]!.ToJsonString();
        Assert.Equal($"{{\"topic\":\"{Topic}\",\"partition\":0,\"offset\":0}}", KafkaOf($"{Topic}:0:0:2"));
        Assert.Equal($"{{\"topic\":\"{Topic}\",\"partition\":0,\"offset\":3}}", KafkaOf($"{Topic}:0:3"));
    }

    private async Task<(long Created, long Duplicates)> ConsumeAllAsync(EmbeddedKafkaCluster cluster, string group, ElasticsearchSinkOptions sinkOptions,
        EnrichmentChain chain)
    {
        var metrics = new PipelineMetrics();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(sinkOptions), sinkOptions, metrics);
        var run = SourceRun.Start(cluster, Topic, group, output, sinkInFront: sink, processorInFront: new EnrichingRecordProcessor(chain));
        await KafkaTestKit.WaitUntil(() => run.Source.AcknowledgedRecords == 5, "all five messages acknowledged", state: () => run.Source.ToString()!);
        await run.StopAsync();
        return ((long)metrics.BulkItems.WithLabels("created").Value, (long)metrics.BulkItems.WithLabels("duplicate").Value);
    }

    /// <summary>Stores every document at once except those <paramref name="hold"/> picks, which wait for <see cref="Release"/>.</summary>
    private sealed class HoldingSink(Func<PipelineRecord, bool> hold) : IRecordSink
    {
        private readonly List<PipelineRecord> _held = [];
        private IRecordAcknowledger? _acknowledger;

        public List<RecordOrigin> Stored { get; } = [];

        public int Held
        {
            get
            {
                lock (_held)
                {
                    return _held.Count;
                }
            }
        }

        public bool IsHealthy => true;

        public Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
        {
            _acknowledger = acknowledger;
            return Task.CompletedTask;
        }

        public ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
        {
            lock (_held)
            {
                if (hold(record))
                {
                    _held.Add(record);
                    return ValueTask.CompletedTask;
                }

                Stored.Add(record.Origin);
            }

            _acknowledger!.Acknowledge(record);
            return ValueTask.CompletedTask;
        }

        public void Release()
        {
            PipelineRecord[] released;
            lock (_held)
            {
                released = [.. _held];
                _held.Clear();
                Stored.AddRange(released.Select(r => r.Origin));
            }

            foreach (var record in released)
            {
                _acknowledger!.Acknowledge(record);
            }
        }

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
