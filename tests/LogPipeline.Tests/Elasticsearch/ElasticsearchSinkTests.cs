using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class ElasticsearchSinkTests
{
    private const string Target = "smm-logs-default";

    [Fact]
    public async Task Hundred_thousand_records_with_30_percent_item_429s_are_all_indexed_exactly_once()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.Seed = 42;
        server.Faults.ItemRejectionRate = 0.30;

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 100_000, o => o.Bulk.MaxDocuments = 5000);

        Assert.True(server.InjectedItemRejections > 25_000, $"only {server.InjectedItemRejections} items were answered 429");
        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
        Assert.Equal(100_000, server.DocumentIds(Target).Count);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Items_answered_with_a_transient_status_are_retried_alone_until_indexed(int status)
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.Seed = status;
        server.Faults.ItemRejectionRate = 0.5;
        server.Faults.ItemRejectionStatus = status;

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 2000);

        Assert.True(server.InjectedItemRejections > 500);
    }

    [Theory]
    [InlineData(403, "cluster_block_exception")]
    [InlineData(404, "index_not_found_exception")]
    [InlineData(500, "es_rejected_execution_exception")]
    public async Task Item_errors_about_the_clusters_state_are_retried_instead_of_dead_lettered(int status, string type)
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.Seed = status;
        server.Faults.ItemRejectionRate = 0.5;
        server.Faults.ItemRejectionStatus = status;
        server.Faults.ItemRejectionType = type;

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 1000);

        Assert.True(server.InjectedItemRejections > 250);
    }

    [Fact]
    public async Task Mapping_errors_send_only_the_chosen_documents_to_the_dead_letter_path_with_the_reason()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.MappingErrorFor = item => item.SourceText.Contains(SomeLogRecords.PoisonMarker, StringComparison.Ordinal);

        await SinkScenarios.MappingErrorsAreRejectedWithTheReasonAsync(server.Url, "default");
    }

    [Fact]
    public async Task A_document_with_a_field_twice_is_dead_lettered_with_elasticsearchs_reason_and_the_rest_indexed()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();

        await SinkScenarios.DuplicateFieldIsRejectedWithTheReasonAsync(server.Url, "default");
    }

    [Fact]
    public async Task Bulk_answers_carry_only_each_items_outcome()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.Seed = 7;
        server.Faults.ItemRejectionRate = 0.1;

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 5000);

        // Unfiltered, each created item is ~200 bytes ({"create":{"_index":...,"_id":...,"_shards":{...},...}});
        // filtered, {"create":{"status":201}} is 27. Rejected items (retried) carry their error as well.
        var perItem = server.BulkResponseBytes / (double)(5000 + server.InjectedItemRejections);
        Assert.InRange(perItem, 20, 60);
        Assert.Equal(5000, server.DocumentIds(Target).Count);
    }

    [Fact]
    public async Task A_record_delivered_twice_becomes_one_document()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();

        await SinkScenarios.RedeliveryLeavesOneDocumentAsync(server.Url, "default");

        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task The_server_down_for_20_seconds_mid_stream_resumes_by_itself_without_loss_or_duplicates()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var healthyDuringOutage = true;

        async Task Outage(ElasticsearchSink sink)
        {
            var deadline = SinkScenarios.Timeout(120);
            while (server.CountDocuments(Target) < 5_000)
            {
                await Task.Delay(10, deadline);
            }

            await server.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(20));
            healthyDuringOutage = sink.IsHealthy;
            await server.RestartAsync();
        }

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 30_000,
            o => o.Bulk.MaxDocuments = 500, Outage);

        Assert.False(healthyDuringOutage);
        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task With_one_of_two_nodes_unreachable_every_record_is_still_indexed_once()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var dead = await ElasticsearchTestServer.StartAsync();
        var deadUrl = dead.Url;
        await dead.DisposeAsync();

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 5000,
            o => o.Nodes = [deadUrl.ToString(), server.Url.ToString()]);

        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_request_whose_answer_is_lost_after_elasticsearch_stored_it_is_retried_without_duplicates()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.LoseNextBulkResponses = 2;
        server.Faults.LostResponseDelay = TimeSpan.FromSeconds(5);
        var metrics = new PipelineMetrics();
        var options = SinkScenarios.Options(server.Url, configure: o => o.RequestTimeout = TimeSpan.FromSeconds(1));

        var acknowledger = await SinkScenarios.IndexAsync(options, SomeLogRecords.Many(3000), metrics);

        Assert.Equal(3000, acknowledger.AcknowledgedCount);
        Assert.Empty(acknowledger.ReportedTwice);
        Assert.True(metrics.BulkItems.WithLabels("duplicate").Value > 0, "the retried batch should have met its own documents");
        Assert.Equal(3000, server.DocumentIds(Target).Count);
        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Whole_request_503s_are_retried_until_they_succeed()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.FailBulkRequests = 5;
        var metrics = new PipelineMetrics();
        var options = SinkScenarios.Options(server.Url);

        var acknowledger = await SinkScenarios.IndexAsync(options, SomeLogRecords.Many(3000), metrics);

        Assert.Equal(3000, acknowledger.AcknowledgedCount);
        Assert.Equal(0, server.Faults.FailBulkRequests);
        Assert.Equal(5, metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "http_503").Value);
        Assert.Equal(3000, server.CountDocuments(Target));
    }

    [Fact]
    public async Task Dropped_connections_are_retried_and_the_sink_reports_unhealthy_meanwhile()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());
        await sink.StartAsync(acknowledger, SinkScenarios.Timeout());
        Assert.True(sink.IsHealthy);

        server.Faults.DropConnections = true;
        foreach (var record in SomeLogRecords.Many(100))
        {
            await sink.WriteAsync(record, SinkScenarios.Timeout());
        }

        var deadline = SinkScenarios.Timeout(60);
        while (sink.IsHealthy)
        {
            await Task.Delay(10, deadline);
        }

        Assert.Equal(0, acknowledger.Settled);
        server.Faults.DropConnections = false;
        await sink.FlushAsync(SinkScenarios.Timeout());

        Assert.True(sink.IsHealthy);
        Assert.Equal(100, acknowledger.AcknowledgedCount);
        Assert.Equal(100, server.CountDocuments(Target));
    }

    [Fact]
    public async Task A_request_over_the_clusters_size_limit_is_split_until_it_fits()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.MaxContentLength = 20_000;
        var metrics = new PipelineMetrics();
        var options = SinkScenarios.Options(server.Url, configure: o => o.Bulk.MaxDocuments = 400);

        var acknowledger = await SinkScenarios.IndexAsync(options, SomeLogRecords.Many(1200), metrics);

        Assert.Equal(1200, acknowledger.AcknowledgedCount);
        Assert.Equal(1200, server.CountDocuments(Target));
        Assert.True(metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "request_too_large_split").Value > 0);
    }

    [Fact]
    public async Task A_request_refused_as_a_whole_with_400_is_split_until_the_document_that_breaks_it_is_rejected_alone()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.RefuseBulkBodiesContaining = "\"breaks-the-body\"";
        var options = SinkScenarios.Options(server.Url, configure: o => o.Bulk.FlushInterval = TimeSpan.FromMinutes(1));
        var records = SomeLogRecords.Many(1000);
        var bad = SomeLogRecords.Record("smm-logs-raw", 9, 1, "\"x\":\"breaks-the-body\"");
        records.Insert(500, bad);

        var acknowledger = await SinkScenarios.IndexAsync(options, records);

        Assert.Equal(["x_content_parse_exception"], acknowledger.Rejected.Values.Select(r => r.Code));
        Assert.True(acknowledger.Rejected.ContainsKey(bad.Origin));
        Assert.Equal(1000, acknowledger.AcknowledgedCount);
        Assert.Equal(1000, server.CountDocuments(Target));
    }

    [Fact]
    public async Task The_end_of_a_burst_is_sent_after_the_idle_flush_delay_and_waits_while_every_request_slot_is_busy()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, configure: o =>
        {
            // Only the idle delay can send anything before the five-minute interval, and no flush is called.
            o.Bulk.FlushInterval = TimeSpan.FromMinutes(5);
            o.Bulk.IdleFlushDelay = TimeSpan.FromMilliseconds(100);
            o.Bulk.MaxConcurrentRequests = 1;
        });
        var ct = SinkScenarios.Timeout(60);
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());
        await sink.StartAsync(acknowledger, ct);
        var records = SomeLogRecords.Many(25);

        // The first answer is held back after the documents are stored: the only slot stays busy.
        server.Faults.LostResponseDelay = TimeSpan.FromSeconds(3);
        server.Faults.LoseNextBulkResponses = 1;
        foreach (var record in records.Take(5))
        {
            await sink.WriteAsync(record, ct);
        }

        while (server.CountDocuments(Target) < 5)
        {
            await Task.Delay(10, ct);
        }

        // Idle delays pass between and after these while they wait for the slot; they still go out as one batch.
        foreach (var record in records.Skip(5).Take(10))
        {
            await sink.WriteAsync(record, ct);
        }

        await Task.Delay(300, ct);
        foreach (var record in records.Skip(15))
        {
            await sink.WriteAsync(record, ct);
        }

        while (acknowledger.AcknowledgedCount < 25)
        {
            await Task.Delay(10, ct);
        }

        Assert.Equal(25, server.CountDocuments(Target));
        Assert.Equal(2, server.BulkRequests);
    }

    [Fact]
    public async Task A_single_document_larger_than_the_clusters_limit_is_rejected_not_retried_forever()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        // Above the largest bootstrap body (the mappings component template, ~2.1 KB), below the big document.
        server.Faults.MaxContentLength = 2_500;
        var options = SinkScenarios.Options(server.Url);
        var big = SomeLogRecords.Record("smm-logs-raw", 0, 1, $"\"padding\":\"{new string('x', 3000)}\"");

        var acknowledger = await SinkScenarios.IndexAsync(options, [big, SomeLogRecords.Record("smm-logs-raw", 0, 2)]);

        Assert.Equal("request_entity_too_large", acknowledger.Rejected[big.Origin].Code);
        Assert.Equal(1, acknowledger.AcknowledgedCount);
    }

    [Fact]
    public async Task Gzip_compressed_bulk_requests_are_indexed()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, configure: o => o.Bulk.Compression = true);

        var acknowledger = await SinkScenarios.IndexAsync(options, SomeLogRecords.Many(2000));

        Assert.Equal(2000, acknowledger.AcknowledgedCount);
        Assert.Equal(2000, server.CountDocuments(Target));
    }

    [Fact]
    public async Task A_document_that_is_empty_or_spans_lines_is_rejected_before_it_can_corrupt_a_bulk_body()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);
        var multiLine = SomeLogRecords.Record("t", 0, 1);
        multiLine.Document = "{\"@timestamp\":\"2026-11-26T00:00:00Z\",\n\"a\":1}"u8.ToArray();
        var empty = SomeLogRecords.Record("t", 0, 2);
        empty.Document = ReadOnlyMemory<byte>.Empty;

        var acknowledger = await SinkScenarios.IndexAsync(options, [multiLine, empty, SomeLogRecords.Record("t", 0, 3)]);

        Assert.Equal("invalid_document", acknowledger.Rejected[multiLine.Origin].Code);
        Assert.Equal("invalid_document", acknowledger.Rejected[empty.Origin].Code);
        Assert.Equal(1, server.CountDocuments(Target));
    }

    [Fact]
    public async Task Writes_wait_while_the_buffer_is_full_and_the_cluster_is_down()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, configure: o =>
        {
            o.Bulk.MaxDocuments = 5;
            o.Bulk.FlushInterval = TimeSpan.FromMinutes(5);
            o.Bulk.MaxBufferedDocuments = 10;
            o.Bulk.MaxConcurrentRequests = 1;
        });
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());
        await sink.StartAsync(acknowledger, SinkScenarios.Timeout());
        await server.StopAsync();

        var records = SomeLogRecords.Many(40);
        var written = 0;
        var writer = Task.Run(async () =>
        {
            foreach (var record in records)
            {
                await sink.WriteAsync(record, SinkScenarios.Timeout());
                Interlocked.Increment(ref written);
            }
        });

        // One batch in flight, one waiting for a sender, ten buffered: at most 20 writes can complete.
        var deadline = SinkScenarios.Timeout(60);
        while (sink.IsHealthy || Volatile.Read(ref written) < 20)
        {
            await Task.Delay(10, deadline);
        }

        await Task.Delay(200);
        Assert.False(writer.IsCompleted);
        Assert.Equal(20, Volatile.Read(ref written));

        await server.RestartAsync();
        await writer;
        await sink.FlushAsync(SinkScenarios.Timeout());
        Assert.Equal(40, acknowledger.AcknowledgedCount);
    }

    [Fact]
    public async Task An_acknowledger_that_throws_does_not_stop_the_rest_of_the_batch_from_being_reported()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url);
        var metrics = new PipelineMetrics();
        var acknowledger = new ThrowingAcknowledger();
        await using var sink = ElasticsearchSink.Create(options, metrics);
        await sink.StartAsync(acknowledger, SinkScenarios.Timeout());
        foreach (var record in SomeLogRecords.Many(100))
        {
            await sink.WriteAsync(record, SinkScenarios.Timeout());
        }

        await sink.FlushAsync(SinkScenarios.Timeout(30));

        Assert.Equal(99, acknowledger.Inner.AcknowledgedCount);
        Assert.Equal(1, metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "acknowledger_failed").Value);
    }

    private sealed class ThrowingAcknowledger : IRecordAcknowledger
    {
        public RecordingAcknowledger Inner { get; } = new();

        public void Acknowledge(PipelineRecord record)
        {
            if (record.Origin.Offset == 3 && record.Origin.Partition == 0)
            {
                throw new InvalidOperationException("source is closing");
            }

            Inner.Acknowledge(record);
        }

        public void Reject(PipelineRecord record, string reasonCode, string reasonText) => Inner.Reject(record, reasonCode, reasonText);
    }

    [Fact]
    public async Task A_batch_that_does_not_fill_up_is_sent_when_it_reaches_the_flush_interval()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, configure: o => o.Bulk.FlushInterval = TimeSpan.FromMilliseconds(100));
        var acknowledger = new RecordingAcknowledger();
        var sink = ElasticsearchSink.Create(options, new PipelineMetrics());
        await sink.StartAsync(acknowledger, SinkScenarios.Timeout());
        foreach (var record in SomeLogRecords.Many(3))
        {
            await sink.WriteAsync(record, SinkScenarios.Timeout());
        }

        var deadline = SinkScenarios.Timeout(30);
        while (acknowledger.AcknowledgedCount < 3)
        {
            await Task.Delay(10, deadline);
        }

        await sink.DisposeAsync();
        await sink.DisposeAsync();
        Assert.False(sink.IsHealthy);
    }

    [Fact]
    public async Task Flush_returns_once_every_record_written_before_it_was_acknowledged()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, configure: o => o.Bulk.FlushInterval = TimeSpan.FromMinutes(1));
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());
        await sink.StartAsync(acknowledger, SinkScenarios.Timeout());
        foreach (var record in SomeLogRecords.Many(37))
        {
            await sink.WriteAsync(record, SinkScenarios.Timeout());
        }

        await sink.FlushAsync(SinkScenarios.Timeout(30));

        Assert.Equal(37, acknowledger.AcknowledgedCount);
    }

    [Fact]
    public async Task Metrics_count_created_duplicate_retried_and_rejected_items()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        server.Faults.Seed = 7;
        server.Faults.ItemRejectionRate = 0.2;
        server.Faults.MappingErrorFor = item => item.SourceText.Contains(SomeLogRecords.PoisonMarker, StringComparison.Ordinal);
        var metrics = new PipelineMetrics();
        var options = SinkScenarios.Options(server.Url);
        var records = SomeLogRecords.Many(1000);
        records.Add(SomeLogRecords.Poisoned("smm-logs-raw", 99, 1));
        records.Add(records[0]);

        await SinkScenarios.IndexAsync(options, records, metrics);

        Assert.Equal(1000, metrics.BulkItems.WithLabels("created").Value);
        Assert.Equal(1, metrics.BulkItems.WithLabels("duplicate").Value);
        Assert.Equal(1, metrics.BulkItems.WithLabels("rejected").Value);
        Assert.Equal(server.InjectedItemRejections, metrics.BulkItems.WithLabels("retried").Value);
        Assert.Equal(1001, metrics.RecordsIndexed.WithLabels("elasticsearch").Value);
        Assert.Equal(1, metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "document_parsing_exception").Value);
    }

    [Fact]
    public async Task Rollover_alias_mode_indexes_through_the_write_alias()
    {
        await using var server = await ElasticsearchTestServer.StartAsync();
        var options = SinkScenarios.Options(server.Url, "legacy", o => o.Mode = ElasticsearchIndexMode.RolloverAlias);
        var records = SomeLogRecords.Many(300);

        var first = await SinkScenarios.IndexAsync(options, records);
        var again = await SinkScenarios.IndexAsync(options, records.Take(10).ToList());

        Assert.Equal(300, first.AcknowledgedCount);
        Assert.Equal(10, again.AcknowledgedCount);
        Assert.Equal(300, server.CountDocuments("smm-logs-legacy-000001"));
        Assert.Empty(server.DataStreamNames());
    }
}
