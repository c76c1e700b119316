using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>Each class of the sink's decision table (<see cref="BulkErrorRules"/>) against the test server: only errors
/// about the document dead-letter it; errors about the cluster, the worker's rights or the request, and unknown ones,
/// hold the records (retried, the sink unhealthy, <c>logpipeline_bulk_held_records</c> set) until the cause is gone.</summary>
public sealed class ElasticsearchSinkErrorClassTests
{
    private const string Target = "smm-logs-default";

    /// <summary>Writes <paramref name="count"/> records while the server refuses them, checks they are held (none
    /// acknowledged or rejected, the sink unhealthy, the gauge at <paramref name="count"/> for <paramref name="reason"/>)
    /// through several retries, then lifts the fault and checks every record is indexed once.</summary>
    private static async Task HeldUntilTheCauseIsGoneAsync(ElasticsearchTestServer server, string reason, Func<long> attempts, Action lift, int count = 300)
    {
        var metrics = new PipelineMetrics();
        // One batch, cut by the flush below, so every record is held by the one request in flight.
        var options = SinkScenarios.Options(server.Url, configure: o =>
        {
            o.Bulk.FlushInterval = TimeSpan.FromMinutes(5);
            o.Bulk.IdleFlushDelay = TimeSpan.Zero;
        });
        var acknowledger = new RecordingAcknowledger();
        var ct = SinkScenarios.Timeout(120);
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, metrics);
        await sink.StartAsync(acknowledger, ct);
        Assert.True(sink.IsHealthy);
        foreach (var record in SomeLogRecords.Many(count))
        {
            await sink.WriteAsync(record, ct);
        }

        var held = metrics.BulkHeldRecords.WithLabels(reason);
        var flush = sink.FlushAsync(ct);
        while ((held.Value < count || attempts() < 4) && acknowledger.Rejected.IsEmpty)
        {
            await Task.Delay(10, ct);
        }

        // Several answers later: still nothing dead-lettered, nothing acknowledged, the worker unready.
        Assert.Empty(acknowledger.Rejected);
        Assert.Equal(0, acknowledger.AcknowledgedCount);
        Assert.False(sink.IsHealthy);
        Assert.False(flush.IsCompleted);
        Assert.Equal(count, held.Value);

        lift();
        await flush;

        Assert.Empty(acknowledger.Rejected);
        Assert.Empty(acknowledger.ReportedTwice);
        Assert.Equal(count, acknowledger.AcknowledgedCount);
        Assert.Equal(count, server.CountDocuments(Target));
        Assert.Equal(0, held.Value);
        Assert.True(sink.IsHealthy);
        Assert.True(metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "item_held").Value > 0
                    || metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "http_400").Value > 0);
    }

    /// <summary>A share of the items is answered 403 <c>security_exception</c>, as when the worker's role lost
    /// <c>create_doc</c> (for all of them at rate 1).</summary>
    private static void Answer403(ElasticsearchFaults faults, double rate, int seed)
    {
        faults.Seed = seed;
        faults.ItemRejectionRate = rate;
        faults.ItemRejectionStatus = 403;
        faults.ItemRejectionType = "security_exception";
    }

    [Fact]
    public async Task A_revoked_index_privilege_holds_every_record_until_it_is_granted_again_instead_of_dead_lettering_the_stream()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        Answer403(server.Faults, rate: 1.0, seed: 1);

        await HeldUntilTheCauseIsGoneAsync(server, "authorization", () => server.BulkRequests, () => server.Faults.ItemRejectionRate = 0);
    }

    [Theory]
    [InlineData(500, "illegal_state_exception")]
    [InlineData(400, "an_error_type_no_rule_knows_exception")]
    public async Task An_item_error_type_nobody_classified_holds_the_records_instead_of_dead_lettering_them(int status, string type)
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.ItemRejectionRate = 1.0;
        server.Faults.ItemRejectionStatus = status;
        server.Faults.ItemRejectionType = type;

        await HeldUntilTheCauseIsGoneAsync(server, "unknown", () => server.BulkRequests, () => server.Faults.ItemRejectionRate = 0);
    }

    [Theory]
    [InlineData("text/html", "<html><head><title>400 Bad Request</title></head><body>nginx</body></html>", "request_refused")]
    [InlineData("application/json",
        """{"error":{"root_cause":[{"type":"media_type_header_exception","reason":"Invalid media-type value on headers [Content-Type, Accept]"}],"type":"media_type_header_exception","reason":"Invalid media-type value on headers [Content-Type, Accept]","caused_by":{"type":"status_exception","reason":"A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version. Accept=null, Content-Type=application/vnd.elasticsearch+x-ndjson;compatible-with=9"}},"status":400}""",
        "configuration")]
    public async Task A_whole_request_400_that_is_not_about_a_document_holds_the_batch_instead_of_splitting_it_into_rejections(
        string contentType, string body, string reason)
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.ProxyStatus = 400;
        server.Faults.ProxyContentType = contentType;
        server.Faults.ProxyBody = body;
        server.Faults.ProxyAnswerBulkRequests = int.MaxValue;

        await HeldUntilTheCauseIsGoneAsync(server, reason, () => server.Faults.ProxyAnswered, () => server.Faults.ProxyAnswerBulkRequests = 0);
    }

    [Fact]
    public async Task Mapping_errors_are_dead_lettered_while_the_403s_in_the_same_batches_are_held_and_indexed_later()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        Answer403(server.Faults, rate: 0.4, seed: 5);
        server.Faults.MappingErrorFor = item => item.SourceText.Contains(SomeLogRecords.PoisonMarker, StringComparison.Ordinal);

        // Every poisoned record is rejected with its parsing error, every other one is indexed: none with security_exception.
        await SinkScenarios.MappingErrorsAreRejectedWithTheReasonAsync(server.Url, "default");

        Assert.True(server.InjectedItemRejections > 500, $"only {server.InjectedItemRejections} items were answered 403");
    }

    [Theory]
    [InlineData("strict_dynamic_mapping_exception", "mapping set to strict, dynamic introduction of [x] within [_doc] is not allowed")]
    [InlineData("illegal_argument_exception", "Cannot write to a field alias [service.name].")]
    [InlineData("mapper_parsing_exception", "failed to parse field [client] of type [object]")]
    public async Task Errors_about_the_document_are_dead_lettered_with_their_type_while_others_in_the_batch_are_held(string type, string reason)
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        Answer403(server.Faults, rate: 0.3, seed: 11);
        var bad = SomeLogRecords.Record("smm-logs-raw", 9, 1, "\"x\":\"refused-by-mapping\"");
        server.Faults.ItemErrorFor = item => item.SourceText.Contains("refused-by-mapping", StringComparison.Ordinal) ? (400, type, reason) : null;
        var records = SomeLogRecords.Many(600);
        records.Insert(300, bad);

        var acknowledger = await SinkScenarios.IndexAsync(SinkScenarios.Options(server.Url), records);

        Assert.Equal([(type, reason)], acknowledger.Rejected.Values.Select(r => (r.Code, r.Text)));
        Assert.True(acknowledger.Rejected.ContainsKey(bad.Origin));
        Assert.Equal(600, acknowledger.AcknowledgedCount);
        Assert.Equal(600, server.CountDocuments(Target));
        Assert.True(server.InjectedItemRejections > 100);
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_still_split_and_a_document_too_large_alone_dead_lettered_while_403s_are_held()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.MaxContentLength = 20_000;
        Answer403(server.Faults, rate: 0.3, seed: 13);
        var metrics = new PipelineMetrics();
        var options = SinkScenarios.Options(server.Url, configure: o => o.Bulk.MaxDocuments = 400);
        var big = SomeLogRecords.Record("smm-logs-raw", 9, 1, $"\"padding\":\"{new string('x', 25_000)}\"");
        var records = SomeLogRecords.Many(1200);
        records.Insert(600, big);

        var acknowledger = await SinkScenarios.IndexAsync(options, records, metrics);

        Assert.Equal(["request_entity_too_large"], acknowledger.Rejected.Values.Select(r => r.Code));
        Assert.True(acknowledger.Rejected.ContainsKey(big.Origin));
        Assert.Equal(1200, acknowledger.AcknowledgedCount);
        Assert.Equal(1200, server.CountDocuments(Target));
        Assert.True(metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "request_too_large_split").Value > 0);
        Assert.True(metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "item_held").Value > 0);
        Assert.Equal(0, metrics.BulkHeldRecords.WithLabels("authorization").Value);
    }
}
