using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Enrichers.Json;
using Enrichers.Normalization;

namespace Enrichers.Tests.Normalization;

public sealed class NormalizationEnricherTests
{
    private readonly EnrichmentStatistics _statistics = new();

    private JsonObject Normalize(string json, NormalizationOptions? options = null) =>
        JsonNode.Parse(NormalizeRecord(json, options).ToUtf8Bytes())!.AsObject();

    /// <summary>As written, for records JsonNode refuses (a name given twice).</summary>
    private string NormalizeToText(string json, NormalizationOptions? options = null) => NormalizeRecord(json, options).ToString();

    private LogRecord NormalizeRecord(string json, NormalizationOptions? options)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection);
        Assert.True(record is not null, rejection?.Reason);
        new NormalizationEnricher(options ?? new NormalizationOptions(), _statistics).Enrich(record);
        return record;
    }

    private static string? Text(JsonObject o, string name) => o[name]?.GetValue<string>();

    [Fact]
    public void A_record_already_in_canonical_form_is_written_byte_for_byte()
    {
        const string json = "{\"@timestamp\":\"2026-11-26T12:00:00.002Z\",\"service_name\":\"mcp-gateway\",\"level\":\"debug\",\"message\":\"caf\\u00e9 1.0\",\"status\":200,\"trace_id\":\"a65f1a035faa49bbf126c2c4de8bb0fc\",\"latency_ms\":1.50}";
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;

        new NormalizationEnricher(new NormalizationOptions(), _statistics).Enrich(record);

        Assert.Equal(json, record.ToString());
        Assert.Equal(0, _statistics.Normalized.Total);
    }

    [Theory]
    [InlineData("Information", "info")]
    [InlineData("WARNING", "warn")]
    [InlineData("Verbose", "trace")]
    [InlineData("err", "error")]
    [InlineData("panic", "fatal")]
    [InlineData("CRITICAL", "fatal")]
    [InlineData("notice", "info")]
    [InlineData("Custom", "custom")]
    public void Levels_are_lowercased_into_one_vocabulary(string level, string expected)
    {
        Assert.Equal(expected, Text(Normalize($"{{\"level\":\"{level}\"}}"), "level"));
    }

    [Fact]
    public void Ecs_records_nested_or_dotted_get_the_canonical_fields_and_lose_the_alias_paths()
    {
        var nested = Normalize("{\"log\":{\"level\":\"ERROR\",\"logger\":\"Router\"},\"service\":{\"name\":\"model-router\",\"version\":\"2\"},"
                               + "\"trace\":{\"id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\"},\"span\":{\"id\":\"00f067aa0ba902b7\"},\"message\":\"m\"}");
        var dotted = Normalize("{\"log.level\":\"warn\",\"service.name\":\"mcp-gateway\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"53995c3f42cd8ad8\"}");

        Assert.Equal(("error", "model-router", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"),
            (Text(nested, "level"), Text(nested, "service_name"), Text(nested, "trace_id"), Text(nested, "span_id")));
        Assert.Equal("{\"logger\":\"Router\"}", nested["log"]!.ToJsonString());
        Assert.Equal("{\"version\":\"2\"}", nested["service"]!.ToJsonString());
        Assert.False(nested.ContainsKey("trace") || nested.ContainsKey("span"));
        Assert.Equal(("warn", "mcp-gateway", "53995c3f42cd8ad8"), (Text(dotted, "level"), Text(dotted, "service_name"), Text(dotted, "span_id")));
        Assert.Equal(["level", "service_name", "trace_id", "span_id"], dotted.Select(p => p.Key).ToArray());
        Assert.Equal(2, _statistics.Normalized["ecs"]);
    }

    [Fact]
    public void An_alias_path_beside_its_canonical_field_is_removed_and_the_canonical_value_kept()
    {
        var o = Normalize("{\"level\":\"info\",\"log.level\":\"debug\",\"service_name\":\"a\",\"service\":{\"name\":\"b\"}}");

        Assert.Equal("{\"level\":\"info\",\"service_name\":\"a\"}", o.ToJsonString());
    }

    [Fact]
    public void Clef_events_get_time_rendered_message_template_level_trace_and_exception()
    {
        var o = Normalize("{\"@t\":\"2026-11-26T12:00:02.61Z\",\"@mt\":\"HTTP {Method} {Path} responded {StatusCode} in {Elapsed:0.0} ms {{literal}} {Missing}\","
                          + "\"@l\":\"Error\",\"@x\":\"System.UnauthorizedAccessException: Attempted to perform an unauthorized operation.\\n   at A.B()\","
                          + "\"Method\":\"POST\",\"Path\":\"/v1/runs\",\"StatusCode\":401,\"Elapsed\":12.5,\"@tr\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"@sp\":\"b7ad6b7169203331\"}");

        Assert.Equal("2026-11-26T12:00:02.610Z", Text(o, "@timestamp"));
        Assert.Equal("HTTP POST /v1/runs responded 401 in 12.5 ms {literal} {Missing}", Text(o, "message"));
        Assert.Equal("HTTP {Method} {Path} responded {StatusCode} in {Elapsed:0.0} ms {{literal}} {Missing}", Text(o, "message_template"));
        Assert.Equal("error", Text(o, "level"));
        Assert.Equal("System.UnauthorizedAccessException", o["error"]!["type"]!.GetValue<string>());
        Assert.Equal("Attempted to perform an unauthorized operation.", o["error"]!["message"]!.GetValue<string>());
        Assert.StartsWith("System.UnauthorizedAccessException: Attempted", o["error"]!["stack_trace"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(401, o["http"]!["response"]!["status_code"]!.GetValue<int>());
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "b7ad6b7169203331"), (Text(o, "trace_id"), Text(o, "span_id")));
        Assert.DoesNotContain(o, p => p.Key is "@t" or "@mt" or "@l" or "@x" or "@tr" or "@sp" or "StatusCode");
    }

    [Fact]
    public void A_clef_event_without_a_level_is_informational_and_its_rendered_message_wins_over_the_template()
    {
        var o = Normalize("{\"@t\":\"2026-11-26T12:00:02Z\",\"@m\":\"Hello, \\\"nblumhardt\\\"\",\"@mt\":\"Hello, {User}\",\"User\":\"nblumhardt\"}");

        Assert.Equal(("info", "Hello, \"nblumhardt\"", "Hello, {User}"), (Text(o, "level"), Text(o, "message"), Text(o, "message_template")));
        Assert.Equal(1, _statistics.Normalized["clef"]);
    }

    [Fact]
    public void Flat_opentelemetry_records_map_severity_body_resource_and_exception_attributes()
    {
        var o = Normalize("{\"time_unix_nano\":1795694403250000000,\"severity_number\":17,\"body\":\"Upstream call failed\","
                          + "\"resource\":{\"attributes\":{\"service.name\":\"model-router\",\"deployment.environment\":\"prod\"}},"
                          + "\"attributes\":{\"exception.type\":\"java.net.SocketTimeoutException\",\"exception.message\":\"Read timed out\",\"http.response.status_code\":504,\"k\":1}}");

        Assert.Equal(("2026-11-26T12:00:03.250Z", "error", "Upstream call failed", "model-router"),
            (Text(o, "@timestamp"), Text(o, "level"), Text(o, "message"), Text(o, "service_name")));
        Assert.Equal("{\"type\":\"java.net.SocketTimeoutException\",\"message\":\"Read timed out\"}", o["error"]!.ToJsonString());
        Assert.Equal("{\"k\":1}", o["attributes"]!.ToJsonString());
        Assert.Equal("{\"attributes\":{\"deployment.environment\":\"prod\"}}", o["resource"]!.ToJsonString());
        Assert.Equal(504, o["http"]!["response"]!["status_code"]!.GetValue<int>());
    }

    [Fact]
    public void Otlp_json_log_records_have_their_typed_values_and_hex_ids_made_plain()
    {
        var o = Normalize("{\"timeUnixNano\":\"1795694403500000000\",\"observedTimeUnixNano\":\"1795694403600000000\",\"severityNumber\":13,\"severityText\":\"WARN\","
                          + "\"body\":{\"stringValue\":\"Quota at 90%\"},\"attributes\":[{\"key\":\"tenant_id\",\"value\":{\"stringValue\":\"tn_1\"}},"
                          + "{\"key\":\"retries\",\"value\":{\"intValue\":\"2\"}},{\"key\":\"ids\",\"value\":{\"arrayValue\":{\"values\":[{\"boolValue\":true},{}]}}}],"
                          + "\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B174\","
                          + "\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"billing-api\"}}]}}");

        Assert.Equal(("2026-11-26T12:00:03.500Z", "warn", "Quota at 90%", "billing-api"),
            (Text(o, "@timestamp"), Text(o, "level"), Text(o, "message"), Text(o, "service_name")));
        Assert.Equal(("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174"), (Text(o, "trace_id"), Text(o, "span_id")));
        Assert.Equal("{\"tenant_id\":\"tn_1\",\"retries\":2,\"ids\":[true,null]}", o["attributes"]!.ToJsonString());
        Assert.Equal("1795694403600000000", Text(o, "observedTimeUnixNano"));
        Assert.False(o.ContainsKey("severityNumber") || o.ContainsKey("severityText") || o.ContainsKey("body") || o.ContainsKey("resource"));
    }

    [Fact]
    public void Otlp_zero_time_and_all_zero_ids_mean_none_and_are_removed()
    {
        var o = Normalize("{\"timeUnixNano\":\"0\",\"observedTimeUnixNano\":\"1795694403700000000\",\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"0000000000000000\"}");

        Assert.Equal("{\"@timestamp\":\"2026-11-26T12:00:03.700Z\"}", o.ToJsonString());
    }

    [Fact]
    public void A_docker_log_holding_the_apps_json_line_is_lifted_and_kubernetes_labels_lose_their_dots()
    {
        var inner = "{\"@timestamp\":\"2026-11-26T12:00:04.120Z\",\"level\":\"INFO\",\"message\":\"scheduled\",\"stream\":\"app\"}\n";
        var o = Normalize("{\"log\":" + JsonSerializer.Serialize(inner) + ",\"stream\":\"stdout\",\"time\":\"2026-11-26T12:00:04.121Z\","
                          + "\"kubernetes\":{\"namespace_name\":\"smm-prod\",\"container_name\":\"engine\",\"labels\":{\"app\":\"a\",\"app.kubernetes.io/name\":\"workflow-engine\"}}}");

        Assert.Equal(("2026-11-26T12:00:04.120Z", "info", "scheduled", "app"), (Text(o, "@timestamp"), Text(o, "level"), Text(o, "message"), Text(o, "stream")));
        Assert.Equal("2026-11-26T12:00:04.121Z", Text(o, "time"));
        Assert.Equal("workflow-engine", Text(o, "service_name"));
        Assert.Equal("{\"app\":\"a\",\"app_kubernetes_io/name\":\"workflow-engine\"}", o["kubernetes"]!["labels"]!.ToJsonString());
        Assert.False(o.ContainsKey("log"));
    }

    [Fact]
    public void A_docker_text_line_becomes_the_message_and_the_container_names_the_service()
    {
        var o = Normalize("{\"log\":\"GET /healthz 200\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-26T12:00:04.6Z\",\"kubernetes\":{\"container_name\":\"gateway\"}}");

        Assert.Equal(("GET /healthz 200", "2026-11-26T12:00:04.600Z", "gateway"), (Text(o, "message"), Text(o, "@timestamp"), Text(o, "service_name")));
        Assert.False(o.ContainsKey("log") || o.ContainsKey("time"));
        Assert.Equal(1, _statistics.Normalized["docker"]);
        Assert.Equal(1, _statistics.Normalized["kubernetes"]);
    }

    [Theory]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":[[[[1]]]]}")]
    [InlineData("{\"a\":\"0123456789012345678901234567890123456789\"}")]
    public void Nested_json_that_is_not_one_whole_object_within_the_bounds_stays_text(string text)
    {
        var options = new NormalizationOptions { MaxNestedJsonBytes = 40, MaxNestedJsonDepth = 3 };

        var o = Normalize("{\"message\":\"m\",\"log\":" + JsonSerializer.Serialize(text) + "}", options);

        Assert.Equal(("m", text), (Text(o, "message"), Text(o, "log_text")));
        Assert.False(o.ContainsKey("a"));
    }

    [Fact]
    public void Json_nested_in_the_message_is_lifted_once_and_not_again()
    {
        var innermost = JsonSerializer.Serialize("{\"x\":1}");
        var o = Normalize("{\"message\":" + JsonSerializer.Serialize("{\"level\":\"WARN\",\"msg\":\"retrying\",\"message\":" + innermost + "}") + "}");

        Assert.Equal(("warn", "{\"x\":1}", "retrying"), (Text(o, "level"), Text(o, "message"), Text(o, "msg")));
    }

    [Fact]
    public void Scalars_in_fields_the_index_maps_as_objects_move_to_their_documented_places()
    {
        var o = Normalize("{\"message\":\"m\",\"client\":\"web/3\",\"log\":\"audit\",\"error\":false,\"trace\":\"run-7\",\"span\":[1],\"service\":{\"name\":\"s\"}}");

        Assert.Equal("{\"message\":\"m\",\"service_name\":\"s\",\"log_text\":\"audit\",\"client_text\":\"web/3\",\"error_text\":false,\"trace_text\":\"run-7\",\"span_text\":[1]}",
            o.ToJsonString());
    }

    [Fact]
    public void A_string_error_becomes_the_error_message_and_a_string_service_the_service_name()
    {
        var o = Normalize("{\"error\":\"ECONNRESET\",\"service\":\"agent-runner\"}");
        var both = Normalize("{\"error\":\"ECONNRESET\",\"error_message\":\"later\"}");

        Assert.Equal("{\"error\":{\"message\":\"ECONNRESET\"},\"service_name\":\"agent-runner\"}", o.ToJsonString());

        // The first error message wins the canonical place; the other string is kept where no object is expected.
        Assert.Equal("{\"error.message\":\"later\",\"error_text\":\"ECONNRESET\"}", both.ToJsonString());
    }

    [Fact]
    public void Renames_run_before_the_rules_and_drops_remove_every_spelling()
    {
        var options = new NormalizationOptions
        {
            Rename = [new RenameRule("lvl", "level"), new RenameRule("svc", "app.name")],
            Drop = ["debug_blob", "http.request.body"],
        };

        var o = Normalize("{\"lvl\":\"WARNING\",\"svc\":\"x\",\"debug_blob\":\"...\",\"http\":{\"request\":{\"body\":\"b\"}},\"http.request.body\":\"c\"}", options);

        Assert.Equal("{\"level\":\"warn\",\"app\":{\"name\":\"x\"}}", o.ToJsonString());
    }

    [Theory]
    [InlineData("smm-prod", "smm-prod")]
    [InlineData("SMM-Staging", "smm-staging")]
    [InlineData("kube-system", null)]
    [InlineData("", null)]
    public void A_record_is_routed_to_an_allowed_namespace_named_by_a_field_and_others_stay_in_the_default(string value, string? expected)
    {
        var options = new EnrichmentOptions();
        options.Normalization.Route = new RouteOptions { Field = "kubernetes.namespace_name", Namespaces = ["smm-prod", "smm-staging"] };
        using var chain = EnrichmentChain.Create(options);
        using var session = chain.CreateSession();

        var result = session.Enrich(Encoding.UTF8.GetBytes("{\"kubernetes\":{\"namespace_name\":\"" + value + "\"}}"), new ArrayBufferWriter<byte>());

        Assert.True(result.Accepted);
        Assert.Equal(expected, result.Namespace);
        Assert.Equal(expected is null ? 0 : 1, chain.Statistics.Routes.Total);
    }

    [Fact]
    public void The_stage_runs_before_the_time_is_settled_so_a_shapes_own_time_is_used()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();

        session.Enrich("{\"timeUnixNano\":\"1795694403250000000\",\"body\":\"b\"}"u8, output, DateTimeOffset.UnixEpoch);

        Assert.Equal("2026-11-26T12:00:03.250Z", JsonNode.Parse(output.WrittenSpan)!["@timestamp"]!.GetValue<string>());
    }

    [Fact]
    public void Disabled_the_stage_leaves_records_as_the_producer_wrote_them()
    {
        var options = new EnrichmentOptions { Normalization = { Enabled = false } };
        using var chain = EnrichmentChain.Create(options);
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();

        session.Enrich("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"log.level\":\"Information\"}"u8, output);

        Assert.Equal("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"log.level\":\"Information\"}", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Rules_are_data_a_configured_list_replaces_the_defaults()
    {
        var options = new NormalizationOptions
        {
            Rules = [new FieldRule("mine", "sev", "level", FieldConversion.SeverityNumber), new FieldRule("mine", "who", "service_name", FieldConversion.Text)],
        };

        var o = Normalize("{\"sev\":\"21\",\"who\":\"me\",\"log.level\":\"x\"}", options);

        Assert.Equal("{\"log.level\":\"x\",\"level\":\"fatal\",\"service_name\":\"me\"}", o.ToJsonString());
        Assert.Equal(1, _statistics.Normalized["mine"]);
    }

    [Fact]
    public void A_field_an_earlier_rule_writes_is_read_by_the_later_rules_only_in_the_rules_order()
    {
        // Far more names and rules than one 64-bit word holds, so that the rules and names of interest lie in later words.
        var fillers = Enumerable.Range(0, 70).Select(i => new FieldRule("filler", $"f{i}", $"g{i}", FieldConversion.Text)).ToList();
        var options = new NormalizationOptions
        {
            Rules =
            [
                .. fillers,
                new FieldRule("early", "b", "z", FieldConversion.Text),
                .. fillers,
                new FieldRule("first", "a", "b", FieldConversion.Text),
                .. fillers,
                new FieldRule("second", "b", "c.d", FieldConversion.Text),
                new FieldRule("third", "c", "e", FieldConversion.Copy, SourceConsumption.Never),
            ],
        };

        var o = Normalize("{\"a\":\"x\",\"f69\":\"y\"}", options);

        Assert.Equal("{\"g69\":\"y\",\"c\":{\"d\":\"x\"},\"e\":{\"d\":\"x\"}}", o.ToJsonString());
        Assert.Equal((0, 1, 1, 1, 1), (_statistics.Normalized["early"], _statistics.Normalized["first"], _statistics.Normalized["second"],
            _statistics.Normalized["third"], _statistics.Normalized["filler"]));
    }

    [Theory]
    [InlineData("Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: bad input", "ValueError", "bad input")]
    [InlineData("java.net.SocketTimeoutException: Read timed out\n\tat x.y(Z.java:1)", "java.net.SocketTimeoutException", "Read timed out")]
    [InlineData("Npgsql.PostgresException (0x80004005): 23505: duplicate key", "Npgsql.PostgresException", "23505: duplicate key")]
    [InlineData("System.OperationCanceledException", "System.OperationCanceledException", "")]
    [InlineData("something went wrong: badly", null, "something went wrong: badly")]
    public void Exception_texts_of_dotnet_java_and_python_give_their_type_and_message(string text, string? type, string message)
    {
        Assert.Equal((type, message), ExceptionText.Parse(text));
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_key()
    {
        var options = new NormalizationOptions
        {
            Rules = [new FieldRule("", "", "level"), new FieldRule("", "a..b", "x", (FieldConversion)99)],
            Levels = new() { ["Warn"] = ["w"], ["warn"] = ["w", " "] },
            MaxNestedJsonDepth = 0,
            Route = new RouteOptions { Field = "ns", Namespaces = ["Bad Name"] },
        };

        var errors = options.Validate("N").ToList();

        Assert.Contains(errors, e => e.StartsWith("N:Rules:0:From is ''", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("N:Rules:1:From is 'a..b'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("N:Rules:1:As is '99'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("N:Levels:Warn is not a level name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("N:Levels:warn lists 'w', which level 'Warn' lists too", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("N:MaxNestedJsonDepth is 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("N:Route:Namespaces:0 is 'Bad Name'", StringComparison.Ordinal));
        Assert.Empty(new NormalizationOptions().Validate("N"));
        Assert.Contains("Enrichment:Normalization:MaxNestedJsonDepth",
            Assert.Throws<EnrichmentConfigurationException>(() => EnrichmentChain.Create(new EnrichmentOptions { Normalization = { MaxNestedJsonDepth = 0 } })).Message);
    }

    [Fact]
    public void The_shared_stage_is_safe_to_use_from_several_threads()
    {
        var enricher = new NormalizationEnricher(new NormalizationOptions(), _statistics);

        Parallel.For(0, 2000, i =>
        {
            var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes($"{{\"@l\":\"Warning\",\"@mt\":\"n {{N}}\",\"N\":{i}}}"), out _)!;
            enricher.Enrich(record);
            Assert.Equal($"{{\"N\":{i},\"message\":\"n {i}\",\"message_template\":\"n {{N}}\",\"level\":\"warn\"}}", record.ToString());
        });

        Assert.Equal(2000, _statistics.Normalized["clef"]);
    }

    [Fact]
    public void Clef_renderings_render_the_tokens_that_have_a_format_and_are_consumed()
    {
        var doc = Normalize("{\"@t\":\"2026-11-26T12:00:02Z\",\"@mt\":\"Hit ratio {Ratio:P1} over {Count} lookups in {Elapsed,8:0.0} ms\","
                            + "\"@r\":[\"93.4%\",\"    12.3\"],\"Ratio\":0.934,\"Count\":1200,\"Elapsed\":12.34}");

        Assert.Equal("Hit ratio 93.4% over 1200 lookups in     12.3 ms", Text(doc, "message"));
        Assert.Null(doc["@r"]);
        Assert.Equal(0.934, doc["Ratio"]!.GetValue<double>());
    }

    [Fact]
    public void Without_renderings_a_formatted_token_is_rendered_from_its_raw_value()
    {
        var doc = Normalize("{\"@mt\":\"Hit ratio {Ratio:P1}\",\"Ratio\":0.934}");

        Assert.Equal("Hit ratio 0.934", Text(doc, "message"));
    }

    [Fact]
    public void Clef_properties_escaped_with_a_double_at_get_their_name_back_unless_it_is_taken()
    {
        var doc = Normalize("{\"@t\":\"2026-11-26T12:00:02Z\",\"@m\":\"m\",\"@@Origin\":\"cache-warmer\",\"@@timestamp\":\"user's\","
                            + "\"@@Taken\":1,\"@Taken\":2}");

        Assert.Equal("cache-warmer", Text(doc, "@Origin"));
        Assert.Null(doc["@@Origin"]);
        // @timestamp is the event's time (from @t); a property with that name keeps its escaped name, as one whose
        // unescaped name the event already has.
        Assert.Equal("2026-11-26T12:00:02.000Z", Text(doc, "@timestamp"));
        Assert.Equal("user's", Text(doc, "@@timestamp"));
        Assert.Equal((1, 2), (doc["@@Taken"]!.GetValue<int>(), doc["@Taken"]!.GetValue<int>()));
    }

    [Fact]
    public void A_double_at_outside_a_clef_event_is_left_as_written()
    {
        var doc = Normalize("{\"message\":\"m\",\"@@Origin\":\"x\",\"@r\":[\"y\"]}");

        Assert.Equal("x", Text(doc, "@@Origin"));
        Assert.NotNull(doc["@r"]);
    }
    // The rules and the nested-JSON step take a top-level field from where the name scan met it; these records move
    // the root's properties before such a read, or repeat a name, so a stale or wrong place would show.

    [Fact]
    public void A_rule_reads_the_first_of_a_repeated_name_as_a_lookup_by_name_does()
    {
        Assert.Equal("{\"level\":\"warn\",\"level\":\"ERROR\"}", NormalizeToText("{\"level\":\"WARNING\",\"level\":\"ERROR\"}"));
        Assert.Equal("{\"le\\u0076el\":\"warn\",\"level\":\"ERROR\"}", NormalizeToText("{\"le\\u0076el\":\"WARNING\",\"level\":\"ERROR\"}"));
    }

    [Fact]
    public void A_rule_after_a_rename_and_a_drop_that_moved_the_fields_reads_its_own_field()
    {
        var options = new NormalizationOptions { Rename = [new RenameRule("a", "b")], Drop = ["x"] };

        Assert.Equal("{\"level\":\"warn\",\"b\":\"A\"}", NormalizeToText("{\"a\":\"A\",\"x\":1,\"level\":\"WARNING\"}", options));
    }

    [Fact]
    public void A_rule_after_one_that_removed_its_source_reads_its_own_field()
    {
        // "service" is consumed (the fields after it move up one place) before "msg" is read.
        Assert.Equal("{\"service_name\":\"svc\",\"message\":\"hello\"}", NormalizeToText("{\"service\":\"svc\",\"msg\":\"hello\"}"));
    }

    [Fact]
    public void Two_nested_json_fields_are_both_lifted_though_the_first_lift_moved_the_second()
    {
        Assert.Equal("{\"a\":1,\"b\":2}", NormalizeToText("{\"log\":\"{\\\"a\\\":1}\",\"message\":\"{\\\"b\\\":2}\"}"));
    }

    [Fact]
    public void Rules_after_a_lift_read_the_lifted_fields()
    {
        Assert.Equal("{\"level\":\"warn\",\"message\":\"inner\"}", NormalizeToText("{\"log\":\"{\\\"msg\\\":\\\"inner\\\"}\",\"level\":\"WARNING\"}"));
    }
}
