using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Enrichers;
using LogPipeline.Cli;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Demo.Kafka;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Testing;
using LogPipeline.Tests.Kafka;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Replay;

/// <summary><c>replay</c> end to end: dead letters on the embedded cluster's dead-letter topic → the command → the
/// Elasticsearch test server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DeadLetterReplayTests(ITestOutputHelper output)
{
    private const string Topic = "smm-logs-raw";
    private const string DeadLetterTopic = Topic + ".dlq";
    private const string Target = "smm-logs-default";

    private static readonly DateTime Monday = new(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Wednesday = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>A dead letter as the worker writes it: the original bytes and the origin and reason headers.</summary>
    private sealed record Letter(int Partition, long Offset, string Reason, byte[] Value, DateTime DeadLetteredAt, bool WithOrigin = true);

    private sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public long Count(string what)
        {
            var match = Regex.Match(Output, $@"^\s+{Regex.Escape(what)}\s+([\d,]+)\s*$", RegexOptions.Multiline);
            Assert.True(match.Success, $"no '{what}' line in:\n{Output}");
            return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
    }

    private static Letter Valid(int partition, long offset, string reason = "mapper_parsing_exception", DateTime? at = null) =>
        new(partition, offset, reason, KafkaTestRecords.LogLine(partition, (int)offset), at ?? Monday);

    private static string Id(int partition, long offset) => $"{Topic}:{partition}:{offset}";

    [Fact]
    public async Task A_replay_indexes_each_dead_letter_under_its_original_id_and_a_second_replay_duplicates_nothing()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        var letters = Enumerable.Range(0, 3).SelectMany(p => Enumerable.Range(0, 20).Select(i => Valid(p, 1000 + i * 7))).ToList();
        ProduceDeadLetters(cluster, letters);

        var first = await ReplayAsync(cluster, es);
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Output + first.Error);
        Assert.Equal(60, first.Count("replayed"));
        Assert.Equal(0, first.Count("already present"));
        Assert.Contains("replay done:", first.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  time +[0-9]+\.[0-9] s\r?$", first.Output);
        var ids = es.DocumentIds(Target);
        Assert.Equal(letters.Select(l => Id(l.Partition, l.Offset)).Order(), ids.Keys.Order());

        var second = await ReplayAsync(cluster, es);
        Assert.True(second.ExitCode == ExitCodes.Ok, second.Output + second.Error);
        Assert.Equal(60, second.Count("read"));
        Assert.Equal(0, second.Count("replayed"));
        Assert.Equal(60, second.Count("already present"));
        Assert.Equal(60, es.CountDocuments(Target));
        Assert.All(es.DocumentIds(Target).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Reason_origin_partition_and_time_filters_replay_only_the_dead_letters_that_match_all_of_them()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        ProduceDeadLetters(cluster,
        [
            Valid(0, 1, at: Monday), Valid(1, 1, at: Monday),
            Valid(0, 2, at: Wednesday), Valid(1, 2, at: Wednesday), Valid(1, 3, at: Wednesday),
            Valid(1, 4, "cluster_block_exception", Wednesday), Valid(2, 5, at: Wednesday),
        ]);

        var run = await ReplayAsync(cluster, es, "--reason", "mapper_parsing_exception", "--origin-partition", "1", "--origin-partition", "2",
            "--since", "2026-12-01T00:00:00Z", "--until", "2026-12-03T00:00:00Z");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output + run.Error);
        Assert.Equal([Id(1, 2), Id(1, 3), Id(2, 5)], es.DocumentIds(Target).Keys.Order());
        Assert.Equal(3, run.Count("matched"));
        Assert.Equal(3, run.Count("replayed"));

        var byTopic = await ReplayAsync(cluster, es, "--dry-run", "--origin-topic", "another-topic");
        Assert.Equal(0, byTopic.Count("matched"));
        Assert.Equal(7, byTopic.Count("filtered out"));
    }

    [Fact]
    public async Task A_dry_run_counts_the_matching_dead_letters_by_reason_and_writes_nothing()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        ProduceDeadLetters(cluster,
        [
            Valid(0, 1), Valid(0, 2), Valid(1, 3),
            new Letter(1, 4, "invalid_json", "{\"message\":\"cut off"u8.ToArray(), Monday),
            Valid(2, 5, "cluster_block_exception"),
        ]);

        var run = await ReplayAsync(cluster, es, "--dry-run");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output + run.Error);
        Assert.Equal(5, run.Count("matched"));
        Assert.Equal(3, run.Count("mapper_parsing_exception"));
        Assert.Equal(1, run.Count("invalid_json"));
        Assert.Equal(1, run.Count("cluster_block_exception"));
        Assert.Contains("dry run: nothing was written", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, es.Requests);
    }

    [Fact]
    public async Task Dead_letters_refused_again_or_without_an_origin_are_counted_by_reason_and_make_the_exit_code_non_zero()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        es.Faults.MappingErrorFor = item => item.Id == Id(0, 2);
        ProduceDeadLetters(cluster,
        [
            Valid(0, 1), Valid(0, 2),
            new Letter(1, 3, "invalid_json", "{\"message\":\"cut off"u8.ToArray(), Monday),
            Valid(2, 4) with { WithOrigin = false },
        ]);

        var run = await ReplayAsync(cluster, es);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(1, run.Count("replayed"));
        Assert.Equal(2, run.Count("rejected again"));
        Assert.Equal(1, run.Count("document_parsing_exception"));
        Assert.Equal(1, run.Count("invalid_json"));
        Assert.Equal(1, run.Count("no_origin"));
        Assert.Equal([Id(0, 1)], es.DocumentIds(Target).Keys);
    }

    [Fact]
    public async Task The_dead_letters_the_worker_wrote_are_replayed_under_the_ids_the_worker_would_have_given_them()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        cluster.CreateTopic(Topic, 2);
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 2, 50);
        var sink = new InMemoryRecordSink
        {
            // Stands in for a mapping Elasticsearch refused before an operator fixed it.
            RejectWhen = r => r.Origin.Offset % 10 == 3 ? ("mapper_parsing_exception", "failed to parse field [seq]") : null,
        };
        var worker = SourceRun.Start(cluster, Topic, "replay-origin", output, sink: sink);
        await KafkaTestKit.WaitUntil(() => worker.Source.AcknowledgedRecords == 100 && worker.Source.DeadLetteredRecords == 10,
            "every record stored or dead-lettered", state: () => KafkaTestKit.Describe(worker));
        await worker.StopAsync();

        var run = await ReplayAsync(cluster, es);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output + run.Error);
        var expected = Enumerable.Range(0, 2).SelectMany(p => Enumerable.Range(0, 5).Select(i => Id(p, i * 10 + 3)));
        Assert.Equal(expected.Order(), es.DocumentIds(Target).Keys.Order());
        var document = es.GetDocument(Target, Id(1, 13));
        Assert.NotNull(document);
        Assert.Contains("\"seq\":13", Encoding.UTF8.GetString(document.Value.Source), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_dead_lettered_for_one_refused_log_record_is_replayed_whole_and_duplicates_none_of_the_others()
    {
        using var cluster = StartCluster();
        cluster.CreateTopic(Topic, 1);
        await using var es = await ElasticsearchTestServer.StartAsync();
        var refuse = true;
        // Stands in for a mapping that refused one record of the batch until an operator fixed it.
        es.Faults.ItemErrorFor = item => refuse && item.Id == $"{Topic}:0:0:1" ? (400, "document_parsing_exception", "failed to parse field [attributes.tool]") : null;
        KafkaTestRecords.Produce(cluster.BootstrapServers, Topic, 1, 1, (_, _) => Encoding.UTF8.GetBytes(KafkaSourceOtlpBatchTests.Batch));
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        var sinkOptions = LogPipeline.Tests.Elasticsearch.SinkScenarios.Options(es.Url);
        await using (var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(sinkOptions), sinkOptions, new PipelineMetrics()))
        {
            var worker = SourceRun.Start(cluster, Topic, "batch-origin", output, sinkInFront: sink, processorInFront: new EnrichingRecordProcessor(chain));
            await KafkaTestKit.WaitUntil(() => worker.Source.DeadLetteredRecords == 1, "the batch dead-lettered", state: () => KafkaTestKit.Describe(worker));
            await worker.StopAsync();
        }

        Assert.Equal([Id(0, 0) + ":0", Id(0, 0) + ":2"], es.DocumentIds(Target).Keys.Order());
        var letter = Assert.Single(KafkaTestKit.ReadAll(cluster, DeadLetterTopic, 1));
        Assert.Equal(KafkaSourceOtlpBatchTests.Batch, Encoding.UTF8.GetString(letter.Message.Value));
        Assert.Contains("1 of the 3 log records of this OTLP/JSON batch refused (records 1; record 1: ",
            Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.ReasonText)), StringComparison.Ordinal);

        refuse = false;
        var run = await ReplayAsync(cluster, es);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Output + run.Error);
        Assert.Equal(1, run.Count("replayed"));
        Assert.Equal(2, run.Count("already present"));
        Assert.Equal([Id(0, 0) + ":0", Id(0, 0) + ":1", Id(0, 0) + ":2"], es.DocumentIds(Target).Keys.Order());
        Assert.All(es.DocumentIds(Target).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task With_a_dedicated_group_the_next_replay_reads_only_the_dead_letters_written_since_the_last_clean_one()
    {
        using var cluster = StartCluster();
        await using var es = await ElasticsearchTestServer.StartAsync();
        ProduceDeadLetters(cluster, [Valid(0, 1), Valid(1, 2), Valid(0, 3)]);
        var first = await ReplayAsync(cluster, es, "--group", "operators");
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Output + first.Error);
        Assert.Equal(3, first.Count("read"));

        ProduceDeadLetters(cluster, [Valid(1, 4), Valid(0, 5)]);
        var second = await ReplayAsync(cluster, es, "--group", "operators");
        var withoutGroup = await ReplayAsync(cluster, es, "--dry-run");

        Assert.True(second.ExitCode == ExitCodes.Ok, second.Output + second.Error);
        Assert.Equal(2, second.Count("read"));
        Assert.Equal(2, second.Count("replayed"));
        Assert.Equal(5, withoutGroup.Count("read"));
        Assert.Equal(5, es.CountDocuments(Target));
    }

    [Fact]
    public async Task A_missing_dead_letter_topic_is_one_line_on_stderr_and_a_failure()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        await using var es = await ElasticsearchTestServer.StartAsync();

        var run = await ReplayAsync(cluster, es, "--dlq-topic", "no-such-topic.dlq");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith("logpipeline replay: dead-letter topic 'no-such-topic.dlq' does not exist", run.Error, StringComparison.Ordinal);
    }

    private static EmbeddedKafkaCluster StartCluster()
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(DeadLetterTopic, 2);
        return cluster;
    }

    private async Task<Outcome> ReplayAsync(EmbeddedKafkaCluster cluster, ElasticsearchTestServer es, params string[] args)
    {
        var root = new RootCommand { ReplayCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await root.Parse(
        [
            "replay", "--bootstrap-servers", cluster.BootstrapServers, "--topic", Topic, "--es-url", es.Url.ToString(),
            "--Elasticsearch:Bulk:FlushInterval=00:00:00.050", .. args,
        ]).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        output.WriteLine($"replay {string.Join(' ', args)} → {exit}\n{stdout}{stderr}");
        return new Outcome(exit, stdout.ToString(), stderr.ToString());
    }

    private static void ProduceDeadLetters(EmbeddedKafkaCluster cluster, IEnumerable<Letter> letters)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, MessageTimeoutMs = 30_000 }).Build();
        foreach (var letter in letters)
        {
            var headers = new Headers();
            if (letter.WithOrigin)
            {
                headers.Add(DeadLetterHeaders.OriginTopic, Encoding.UTF8.GetBytes(Topic));
                headers.Add(DeadLetterHeaders.OriginPartition, Encoding.UTF8.GetBytes(letter.Partition.ToString(CultureInfo.InvariantCulture)));
                headers.Add(DeadLetterHeaders.OriginOffset, Encoding.UTF8.GetBytes(letter.Offset.ToString(CultureInfo.InvariantCulture)));
                headers.Add(DeadLetterHeaders.OriginTimestamp, Encoding.UTF8.GetBytes(letter.DeadLetteredAt.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture)));
            }

            headers.Add(DeadLetterHeaders.ReasonCode, Encoding.UTF8.GetBytes(letter.Reason));
            headers.Add(DeadLetterHeaders.ReasonText, Encoding.UTF8.GetBytes("refused"));
            var message = new Message<byte[]?, byte[]>
            {
                Key = null,
                Value = letter.Value,
                Headers = headers,
                Timestamp = new Timestamp(letter.DeadLetteredAt, TimestampType.CreateTime),
            };
            // Spread over the dead-letter partitions, as a worker with several partitions would.
            producer.Produce(new TopicPartition(DeadLetterTopic, letter.Partition % 2), message);
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
