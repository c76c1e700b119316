using System.Text;
using System.Text.Json.Nodes;
using Enrichers;
using Enrichers.Normalization;
using LogPipeline.Cli;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Tests.Deployment;
using LogPipeline.Tests.Elasticsearch;

namespace LogPipeline.Tests.Normalization;

/// <summary>samples/shapes.ndjson: records as ECS, Serilog CLEF, OpenTelemetry (flat JSON and OTLP/JSON) and Docker
/// json-file under Kubernetes write them (several of each, from the formats' specifications), plus the platform's
/// own scalars in object fields. Through <c>enrich</c> they get the canonical fields; into the test server, which
/// refuses what Elasticsearch refuses, none is refused.</summary>
public sealed class ShapeCorpusTests
{
    private static readonly string[] CanonicalLevels = ["trace", "debug", "info", "warn", "error", "fatal"];

    private static byte[] Corpus() => File.ReadAllBytes(RepositoryFiles.PathOf("samples", "shapes.ndjson"));

    private static string[] Lines() => Encoding.UTF8.GetString(Corpus()).TrimEnd('\n').Split('\n');

    /// <summary>Documents the corpus makes: one per line, but one per log record for the OTLP/JSON batches.</summary>
    private static int Documents() => Lines().Sum(line =>
        JsonNode.Parse(line)!["resourceLogs"] is JsonArray resources
            ? resources.Sum(r => r!["scopeLogs"]!.AsArray().Sum(s => s!["logRecords"]!.AsArray().Count))
            : 1);

    [Fact]
    public async Task Every_record_of_the_shape_corpus_comes_out_of_enrich_with_the_canonical_fields()
    {
        using var stdin = new MemoryStream(Corpus());
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();

        var exit = await EnrichCommand.RunAsync(new EnrichCommandOptions(), stdin, stdout, stderr, CancellationToken.None);

        var output = Encoding.UTF8.GetString(stdout.ToArray()).TrimEnd('\n').Split('\n').Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(0, exit);
        Assert.Equal(Documents(), output.Count);
        Assert.True(Documents() > Lines().Length, "the corpus holds OTLP/JSON batches");
        Assert.Contains("0 rejected", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("OTLP batches 2 (5 records)", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("normalized: clef 7, docker 2, ecs 7, kubernetes 3, nested_json 4, otel 11", stderr.ToString(), StringComparison.Ordinal);
        foreach (var doc in output)
        {
            Assert.NotNull(doc["@timestamp"]);
            Assert.NotNull(doc["message"]);
            // Serilog's CLEF has no service field of its own: only CLEF events may go without one.
            Assert.True(doc["service_name"] is not null || doc["message_template"] is not null, doc.ToJsonString());
            if (doc["level"] is { } level)
            {
                Assert.Contains(level.GetValue<string>(), CanonicalLevels);
            }

            // Aliases in the mapping, and the duplicates the stage consumed, are gone.
            Assert.DoesNotContain(doc, p => p.Key is "log.level" or "service.name" or "trace.id" or "span.id" or "@t" or "@m" or "@l" or "@x"
                or "severity_text" or "severityText" or "body" or "traceId" or "spanId" or "resourceLogs");
            Assert.False(doc["log"] is JsonValue || doc["client"] is JsonValue || doc["error"] is JsonValue || doc["service"]?["name"] is not null);
        }

        // Status and exception type decide the category before words, for every shape.
        var categories = output.Where(d => d["error_category"] is not null)
            .Select(d => (d["message"]!.GetValue<string>(), d["error_category"]!.GetValue<string>())).ToList();
        Assert.Contains(("HTTP POST /v1/runs responded 401 in 12.3456 ms", "auth"), categories);
        Assert.Contains(("Upstream refused the request", "rate_limit"), categories);
        Assert.Contains(("Permission check failed", "auth"), categories);
        Assert.Contains(("Workflow not found", "not_found"), categories);
        Assert.Contains(("Upstream call failed", "timeout"), categories);
        Assert.Contains(("Out of memory allocating KV cache", "resource"), categories);
        Assert.Contains(("Upstream refused the completion", "rate_limit"), categories);
        Assert.Contains(("Permission denied for workspace ws_9", "auth"), categories);
    }

    [Fact]
    public async Task The_normalized_shape_corpus_is_indexed_end_to_end_with_no_record_refused_and_routed_by_namespace()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = new EnrichmentOptions();
        options.Normalization.Route = new RouteOptions { Field = "kubernetes.namespace_name", Namespaces = ["smm-prod", "smm-staging"] };

        var acknowledger = await IndexAsync(server, options);

        Assert.Empty(acknowledger.Rejected.Select(r => $"{r.Key}: {r.Value.Text}"));
        // One acknowledgement per message (line), given once every log record of a batch is stored.
        Assert.Equal(Lines().Length, acknowledger.AcknowledgedCount);
        // Fluent Bit's namespace_name: three records in smm-prod, one in smm-staging; smm-dev is not allowed, and
        // Vector's record names its namespace in another field.
        Assert.Equal(3, server.CountDocuments("smm-logs-smm-prod"));
        Assert.Equal(1, server.CountDocuments("smm-logs-smm-staging"));
        Assert.Equal(Documents() - 4, server.CountDocuments("smm-logs-default"));
    }

    [Fact]
    public async Task Without_the_stage_the_test_server_refuses_the_corpus_as_Elasticsearch_would()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = new EnrichmentOptions { Normalization = { Enabled = false } };

        var acknowledger = await IndexAsync(server, options);

        var reasons = acknowledger.Rejected.Values.Select(r => r.Text).ToList();
        Assert.Contains(reasons, r => r.Contains("Cannot write to a field alias [log.level]", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("object mapping for [log] tried to parse field [log] as object, but found a concrete value", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("object mapping for [client]", StringComparison.Ordinal));
    }

    /// <summary>Runs each line through the worker's processor (batches become one part per log record) and indexes the
    /// documents, each line acknowledged once, as the Kafka source does.</summary>
    private static async Task<RecordingAcknowledger> IndexAsync(ElasticsearchTestServer server, EnrichmentOptions options)
    {
        using var chain = EnrichmentChain.Create(options);
        var processor = new EnrichingRecordProcessor(chain);
        using var partition = processor.CreatePartitionProcessor("logs", 0);
        var documents = new List<PipelineRecord>();
        var lines = Lines();
        for (var i = 0; i < lines.Length; i++)
        {
            var record = new PipelineRecord { Origin = new RecordOrigin("logs", 0, i), Value = Encoding.UTF8.GetBytes(lines[i]) };
            var result = partition.Process(record);
            Assert.True(result.Accepted, result.ReasonText);
            documents.AddRange(record.Parts?.Items ?? [record]);
        }

        var sinkOptions = SinkScenarios.Options(server.Url);
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(sinkOptions), sinkOptions, new PipelineMetrics());
        await sink.StartAsync(new BatchAcknowledger(acknowledger), SinkScenarios.Timeout());
        foreach (var document in documents)
        {
            await sink.WriteAsync(document, SinkScenarios.Timeout());
        }

        await sink.FlushAsync(SinkScenarios.Timeout());
        return acknowledger;
    }
}
