using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Enrichers.Json;
using Enrichers.Normalization;

namespace Enrichers.Tests.Normalization;

/// <summary>OTLP/JSON logs batches (the Collector's Kafka exporter, <c>encoding: otlp_json</c>) through
/// <see cref="EnrichmentSession.EnrichEach"/>: one document per log record, each with its resource and scope.</summary>
public sealed class OtlpLogBatchTests
{
    /// <summary>Two resources, one with two scopes: records in batch order 0 (checkout/http), 1 (checkout/db), 2 (billing).</summary>
    internal const string Batch = """
        {"resourceLogs":[
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"deployment.environment","value":{"stringValue":"prod"}}]},
           "scopeLogs":[
             {"scope":{"name":"checkout.http","version":"1.2.0"},
              "logRecords":[{"timeUnixNano":"1733563800000000000","severityNumber":9,"severityText":"Information","body":{"stringValue":"order placed"},
                             "attributes":[{"key":"order.id","value":{"intValue":"42"}}],"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"}]},
             {"scope":{"name":"checkout.db"},
              "logRecords":[{"timeUnixNano":"1733563801000000000","severityNumber":"SEVERITY_NUMBER_WARN","body":{"stringValue":"slow query"},
                             "attributes":[{"key":"db.rows","value":{"intValue":"1200"}}]}]}]},
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"billing"}}]},
           "scopeLogs":[{"scope":{"name":"billing"},
              "logRecords":[{"observedTimeUnixNano":"1733563802000000000","severityNumber":17,"body":{"stringValue":"payment refused"},
                             "attributes":[{"key":"http.response.status_code","value":{"intValue":"429"}}],"traceId":"00000000000000000000000000000000"}]}]}]}
        """;

    private static (EnrichResult Result, List<JsonObject> Documents, List<EnrichedDocument> Entries) EnrichEach(string json, EnrichmentOptions? options = null)
    {
        using var chain = EnrichmentChain.Create(options ?? new EnrichmentOptions());
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();
        var entries = new List<EnrichedDocument>();
        var result = session.EnrichEach(Encoding.UTF8.GetBytes(json), output, entries);
        var documents = new List<JsonObject>();
        var start = 0;
        foreach (var entry in entries)
        {
            documents.Add(JsonNode.Parse(output.WrittenSpan.Slice(start, entry.Length))!.AsObject());
            start += entry.Length;
        }

        Assert.Equal(output.WrittenCount, start);
        return (result, documents, entries);
    }

    private static string? Text(JsonObject o, string path)
    {
        JsonNode? node = o;
        foreach (var part in path.Split('/'))
        {
            node = node?[part];
        }

        return node?.ToString();
    }

    [Fact]
    public void A_batch_of_three_log_records_becomes_three_documents_in_batch_order_each_with_its_resource_and_scope()
    {
        var (result, docs, _) = EnrichEach(Batch);

        Assert.True(result.Accepted, result.ReasonText);
        Assert.True(result.IsBatch);
        Assert.Equal(["order placed", "slow query", "payment refused"], docs.Select(d => Text(d, "message")));
        Assert.Equal(["checkout", "checkout", "billing"], docs.Select(d => Text(d, "service_name")));
        Assert.Equal(["info", "warn", "error"], docs.Select(d => Text(d, "level")));
        Assert.Equal(["checkout.http", "checkout.db", "billing"], docs.Select(d => Text(d, "scope/name")));
        Assert.Equal(["prod", "prod", null], docs.Select(d => Text(d, "resource/attributes/deployment.environment")));
        Assert.Equal(["2024-12-07T09:30:00.000Z", "2024-12-07T09:30:01.000Z", "2024-12-07T09:30:02.000Z"], docs.Select(d => Text(d, "@timestamp")));
        Assert.Equal(("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174"), (Text(docs[0], "trace_id"), Text(docs[0], "span_id")));
        Assert.Null(docs[2]["trace_id"]);
        Assert.Equal("42", Text(docs[0], "attributes/order.id"));
        Assert.Equal("rate_limit", Text(docs[2], "error_category"));
        // The resource's service.name was consumed in every record, not only in the first (records share no nodes).
        Assert.All(docs, d => Assert.Null(d["resource"]?["attributes"]?["service.name"]));
        Assert.All(docs, d => Assert.DoesNotContain(d, p => p.Key is "resourceLogs" or "scopeLogs" or "logRecords" or "body" or "severityNumber"));
    }

    [Fact]
    public void The_split_is_counted_and_every_record_counts_as_an_otel_record()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();

        session.EnrichEach(Encoding.UTF8.GetBytes(Batch), new ArrayBufferWriter<byte>(), []);

        Assert.Equal((1, 3), (chain.Statistics.OtlpBatches, chain.Statistics.OtlpBatchRecords));
        Assert.Equal(3, chain.Statistics.Normalized["otel"]);
        Assert.Equal(3, chain.Statistics.RecordsEnriched);
    }

    [Fact]
    public void Masking_one_record_of_a_batch_leaves_the_shared_resource_of_the_next_record_as_sent()
    {
        const string batch = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"owner.email","value":{"stringValue":"ops@example.com"}}]},
              "scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}},{"body":{"stringValue":"b"}}]}]}]}
            """;

        var (_, docs, _) = EnrichEach(batch);

        // Both masked once, the same way: the second record did not get the first one's already-masked node.
        Assert.Equal(2, docs.Count);
        Assert.Equal(Text(docs[0], "resource/attributes/owner.email"), Text(docs[1], "resource/attributes/owner.email"));
        Assert.DoesNotContain("ops@example.com", docs[1].ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_record_of_a_batch_is_routed_by_its_own_fields()
    {
        var options = new EnrichmentOptions();
        options.Normalization.Route = new RouteOptions { Field = "resource.attributes.deployment.environment", Namespaces = ["prod"] };

        var (_, _, entries) = EnrichEach(Batch, options);

        Assert.Equal(["prod", "prod", null], entries.Select(e => e.Namespace));
    }

    [Theory]
    [InlineData("""{"resourceLogs":{"scopeLogs":[]}}""", "resourceLogs is an object, not an array")]
    [InlineData("""{"resourceLogs":[1]}""", "resourceLogs[0] is a number, not an object")]
    [InlineData("""{"resourceLogs":[{"resource":"svc","scopeLogs":[]}]}""", "resourceLogs[0].resource is a string, not an object")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":{"body":"x"}}]}]}""", "resourceLogs[0].scopeLogs[0].logRecords is an object, not an array")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"ok"}},"oops"]}]}]}""", "resourceLogs[0].scopeLogs[0].logRecords[1] is a string, not an object")]
    public void A_malformed_batch_is_rejected_whole_naming_the_first_problem_and_writes_nothing(string json, string problem)
    {
        var (result, docs, _) = EnrichEach(json);

        Assert.False(result.Accepted);
        Assert.Equal(OtlpLogBatch.InvalidCode, result.ReasonCode);
        Assert.Equal($"not a well-formed OTLP/JSON logs batch: {problem}", result.ReasonText);
        Assert.Empty(docs);
    }

    [Theory]
    [InlineData("""{"resourceLogs":[]}""")]
    [InlineData("""{"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]},{"resource":{}}]}""")]
    public void A_batch_without_a_log_record_is_rejected_as_empty(string json)
    {
        var (result, _, _) = EnrichEach(json);

        Assert.Equal((false, OtlpLogBatch.EmptyCode), (result.Accepted, result.ReasonCode));
    }

    [Fact]
    public void A_record_that_is_not_a_batch_is_one_document_and_not_marked_as_a_batch()
    {
        var (result, docs, entries) = EnrichEach("""{"level":"INFO","message":"plain"}""");

        Assert.True(result.Accepted);
        Assert.False(result.IsBatch);
        Assert.Equal("plain", Text(Assert.Single(docs), "message"));
        Assert.Null(Assert.Single(entries).Namespace);
    }

    [Fact]
    public void With_the_normalization_stage_off_a_batch_stays_one_document_as_the_producer_wrote_it()
    {
        var (result, docs, _) = EnrichEach(Batch, new EnrichmentOptions { Normalization = { Enabled = false } });

        Assert.False(result.IsBatch);
        Assert.NotNull(Assert.Single(docs)["resourceLogs"]);
    }

    [Fact]
    public void Kafka_fields_are_written_only_when_configured_and_replace_a_producer_s_own()
    {
        var position = new SourcePosition("logs", 3, 1234);
        string Enrich(bool on)
        {
            using var chain = EnrichmentChain.Create(new EnrichmentOptions { KafkaFields = on });
            using var session = chain.CreateSession();
            var output = new ArrayBufferWriter<byte>();
            session.EnrichEach("{\"message\":\"m\",\"kafka\":\"mine\"}"u8.ToArray(), output, [], null, null, position);
            return Encoding.UTF8.GetString(output.WrittenSpan);
        }

        Assert.Contains("\"kafka\":{\"topic\":\"logs\",\"partition\":3,\"offset\":1234}", Enrich(on: true), StringComparison.Ordinal);
        // Off (the default): a producer's scalar kafka field moves out of the mapped object, as any other would.
        Assert.Contains("\"kafka_text\":\"mine\"", Enrich(on: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SEVERITY_NUMBER_TRACE", "trace")]
    [InlineData("SEVERITY_NUMBER_DEBUG2", "debug")]
    [InlineData("SEVERITY_NUMBER_INFO4", "info")]
    [InlineData("SEVERITY_NUMBER_ERROR3", "error")]
    [InlineData("SEVERITY_NUMBER_FATAL", "fatal")]
    public void SeverityNumber_written_as_its_protobuf_enum_name_gives_the_level(string name, string level)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes($"{{\"severityNumber\":\"{name}\"}}"), out _)!;

        new NormalizationEnricher(new NormalizationOptions(), new EnrichmentStatistics()).Enrich(record);

        Assert.Equal(level, record.FindString("level"));
    }

    [Fact]
    public void An_unknown_severity_name_leaves_the_field_as_sent()
    {
        var record = LogRecordParser.TryParse("{\"severityNumber\":\"SEVERITY_NUMBER_UNSPECIFIED\"}"u8.ToArray(), out _)!;

        new NormalizationEnricher(new NormalizationOptions(), new EnrichmentStatistics()).Enrich(record);

        Assert.Null(record.FindString("level"));
        Assert.Equal("SEVERITY_NUMBER_UNSPECIFIED", record.FindString("severityNumber"));
    }
}
