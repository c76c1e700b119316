using System.Text;
using System.Text.Json;
using Enrichers.Json;
using Enrichers.Tracing;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Tracing;

public sealed class TraceLinkingEnricherTests
{
    private const string Id = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Span = "00f067aa0ba902b7";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly EnrichmentStatistics _statistics = new();

    private TraceLinkingEnricher Create(int maxTraces = 100_000, TimeSpan? idle = null) =>
        new(new TraceLinkingOptions { MaxTraces = maxTraces, IdleTimeout = idle ?? TimeSpan.FromMinutes(10) }, _statistics, _time);

    private static string Run(TraceLinkingEnricher enricher, string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection);
        Assert.True(record is not null, rejection?.Reason);
        enricher.Enrich(record);
        return record.ToString();
    }

    private static JsonElement RunParsed(TraceLinkingEnricher enricher, string json) =>
        JsonDocument.Parse(Run(enricher, json)).RootElement;

    [Fact]
    public void Ids_longer_and_shorter_than_a_w3c_id_link_exactly_also_when_a_forgotten_state_is_reused()
    {
        // One trace of budget: every new ID takes the state of the one before, across the 32-byte inline limit.
        var enricher = Create(maxTraces: 1);
        const string Long = "checkout-2026-11-27-order-000123-retry-2";
        const string Short = "a1b2";

        var first = RunParsed(enricher, $"{{\"trace_id\":\"{Long}\"}}");
        var second = RunParsed(enricher, $"{{\"trace_id\":\"{Long}\"}}");
        var shortOne = RunParsed(enricher, $"{{\"trace_id\":\"{Short}\"}}");
        var shortAgain = RunParsed(enricher, $"{{\"trace_id\":\"{Short}\"}}");
        var longAgain = RunParsed(enricher, $"{{\"trace_id\":\"{Long}\",\"x\":1}}");
        var w3c = RunParsed(enricher, $"{{\"trace_id\":\"{Id}\"}}");

        Assert.Equal([1, 2, 1, 2, 1, 1], new[] { first, second, shortOne, shortAgain, longAgain, w3c }.Select(r => r.GetProperty("trace_seq").GetInt64()));
        Assert.Equal([Long, Long, Short, Short, Long, Id], new[] { first, second, shortOne, shortAgain, longAgain, w3c }.Select(r => r.GetProperty("trace_id").GetString()));
    }

    [Fact]
    public void Ids_of_every_stored_form_are_written_back_as_received_and_kept_apart()
    {
        // 32 lowercase hex characters are kept as 16 bytes; others up to 16 bytes as they are, longer in an array.
        // IDs that look alike in one of those forms (same hex digits, a 32-character non-hex ID) stay distinct.
        string[] ids =
        [
            Id,
            "4bf92f3577b34da6a3ce929d0e0e473g",
            "4bf92f3577b34da6a3ce929d0e0e473",
            "4bf92f3577b34da6",
            "order-0123456789abcdef",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "caf\u00e9-\u00e9t\u00e9-2026-11-27-\u00e9quipe",
            "tab\\there",
            "00000000000000000000000000000000",
        ];
        var enricher = Create(maxTraces: 100);

        var firstPass = ids.Select(id => RunParsed(enricher, $"{{\"trace_id\":\"{id}\"}}")).ToList();
        var secondPass = ids.Select(id => RunParsed(enricher, $"{{\"trace_id\":\"{id}\"}}")).ToList();

        var expected = ids.Select(id => JsonDocument.Parse($"\"{id}\"").RootElement.GetString()).ToList();
        Assert.Equal(expected, firstPass.Select(r => r.GetProperty("trace_id").GetString()));
        Assert.Equal(expected, secondPass.Select(r => r.GetProperty("trace_id").GetString()));
        Assert.All(firstPass, r => Assert.Equal(1, r.GetProperty("trace_seq").GetInt64()));
        Assert.All(secondPass, r => Assert.Equal(2, r.GetProperty("trace_seq").GetInt64()));
        Assert.Equal(ids.Length, enricher.ActiveTraces);
    }

    [Theory]
    [InlineData("{\"message\":\"hi\"}")]
    [InlineData("{\"trace_id\":\"\",\"span_id\":\"x\"}")]
    [InlineData("{\"trace_id\":null}")]
    [InlineData("{\"traceparent\":\"not a traceparent\"}")]
    [InlineData("{\"b3\":\"1\"}")]
    [InlineData("{\"request\":{\"headers\":{\"b3\":\"d\"}}}")]
    [InlineData("{\"trace\":{\"flags\":1}}")]
    public void A_record_without_a_usable_trace_id_is_left_exactly_as_it_was(string json)
    {
        Assert.Equal(json, Run(Create(), json));
        Assert.Equal(0, _statistics.TracesLinked);
    }

    [Theory]
    [InlineData("{\"trace_id\":\"" + Id + "\"}")]
    [InlineData("{\"traceId\":\"" + Id + "\"}")]
    [InlineData("{\"trace\\u005fid\":\"" + Id + "\"}")]
    [InlineData("{\"trace\":{\"id\":\"" + Id + "\"}}")]
    [InlineData("{\"trace.id\":\"" + Id + "\"}")]
    [InlineData("{\"traceparent\":\"00-" + Id + "-" + Span + "-01\"}")]
    [InlineData("{\"traceparent\":\"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00\"}")]
    [InlineData("{\"b3\":\"" + Id + "-" + Span + "-1-05e3ac9a4f6e3b90\"}")]
    [InlineData("{\"b3\":\"4BF92F3577B34DA6A3CE929D0E0E4736-" + Span + "\"}")]
    [InlineData("{\"x-b3-traceid\":\"" + Id + "\"}")]
    [InlineData("{\"X-B3-TraceId\":\"4BF92F3577B34DA6A3CE929D0E0E4736\"}")]
    [InlineData("{\"request\":{\"headers\":{\"traceparent\":\"00-" + Id + "-" + Span + "-01\"}}}")]
    [InlineData("{\"request\":{\"headers\":{\"Traceparent\":\"00-" + Id + "-" + Span + "-01\"}}}")]
    [InlineData("{\"request.headers\":{\"b3\":\"" + Id + "-" + Span + "\"}}")]
    [InlineData("{\"request\":{\"headers\":{\"X-B3-TraceId\":\"" + Id + "\",\"X-B3-SpanId\":\"" + Span + "\"}}}")]
    public void Every_supported_source_gives_the_same_lowercase_trace_id(string json)
    {
        var doc = RunParsed(Create(), json);

        Assert.Equal(Id, doc.GetProperty("trace_id").GetString());
        Assert.Equal(1, doc.GetProperty("trace_seq").GetInt64());
    }

    [Fact]
    public void A_sixty_four_bit_b3_trace_id_is_accepted()
    {
        var doc = RunParsed(Create(), "{\"x-b3-traceid\":\"A3CE929D0E0E4736\"}");

        Assert.Equal("a3ce929d0e0e4736", doc.GetProperty("trace_id").GetString());
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-" + Span + "-01")]
    [InlineData("00-" + Id + "-0000000000000000-01")]
    [InlineData("01-" + Id + "-" + Span + "-01")]
    [InlineData("00-" + Id + "-" + Span + "-1")]
    [InlineData("00-" + Id + "-" + Span + "-01-extra")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-" + Span + "-01")]
    [InlineData("00_" + Id + "_" + Span + "_01")]
    [InlineData("00-" + Id + "-" + Span + "-0١")]
    public void A_malformed_traceparent_gives_no_trace_id_and_stays_as_received(string traceparent)
    {
        var json = "{\"traceparent\":\"" + traceparent + "\"}";

        Assert.Equal(json, Run(Create(), json));
    }

    [Theory]
    [InlineData("0000000000000000")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e47")]
    public void A_malformed_b3_trace_id_is_not_used(string id)
    {
        var json = "{\"x-b3-traceid\":\"" + id + "\",\"b3\":\"" + id + "-" + Span + "\"}";

        Assert.Equal(json, Run(Create(), json));
    }

    [Fact]
    public void Traceparent_also_sets_span_id_and_stays_as_received()
    {
        var json = "{\"traceparent\":\"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01\"}";

        var doc = RunParsed(Create(), json);

        Assert.Equal(Span, doc.GetProperty("span_id").GetString());
        Assert.Equal("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", doc.GetProperty("traceparent").GetString());
    }

    [Fact]
    public void A_span_id_set_by_the_producer_is_kept()
    {
        var doc = RunParsed(Create(), "{\"span_id\":\"mine\",\"traceparent\":\"00-" + Id + "-" + Span + "-01\"}");

        Assert.Equal("mine", doc.GetProperty("span_id").GetString());
    }

    [Fact]
    public void The_first_present_source_wins_and_traceparent_is_never_removed()
    {
        var other = "0af7651916cd43dd8448eb211c80319c";
        var doc = RunParsed(Create(), "{\"traceparent\":\"00-" + other + "-" + Span + "-01\",\"trace_id\":\"" + Id + "\"}");

        Assert.Equal(Id, doc.GetProperty("trace_id").GetString());
        Assert.Equal("00-" + other + "-" + Span + "-01", doc.GetProperty("traceparent").GetString());
        Assert.False(doc.TryGetProperty("span_id", out _));
    }

    [Fact]
    public void Copied_aliases_are_removed_with_the_objects_they_leave_empty_and_trace_id_takes_the_first_ones_place()
    {
        var json = "{\"traceId\":\"" + Id + "\",\"trace\":{\"id\":\"" + Id + "\",\"sampled\":true},\"b3\":\"" + Id + "-" + Span +
                   "\",\"request\":{\"headers\":{\"x-b3-traceid\":\"" + Id.ToUpperInvariant() + "\"}},\"msg\":\"ok\"}";

        var output = Run(Create(), json);

        Assert.Equal("{\"trace_id\":\"" + Id + "\",\"trace\":{\"sampled\":true},\"msg\":\"ok\",\"trace_seq\":1,\"trace_elapsed_ms\":0}", output);
    }

    [Fact]
    public void An_alias_holding_a_different_id_is_producer_data_and_is_kept()
    {
        var doc = RunParsed(Create(), "{\"trace_id\":\"" + Id + "\",\"traceId\":\"something-else\"}");

        Assert.Equal(Id, doc.GetProperty("trace_id").GetString());
        Assert.Equal("something-else", doc.GetProperty("traceId").GetString());
    }

    [Theory]
    [InlineData("{\"trace_id\":\"Req-ÄÖ-42\"}", "Req-ÄÖ-42")]
    [InlineData("{\"trace_id\":\"caf\\u00e9\"}", "café")]
    [InlineData("{\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\"}", "1-5759e988-bd862e3fe1be46a994272793")]
    [InlineData("{\"trace_id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\"}", Id)]
    [InlineData("{\"trace_id\":123456789012345678901234567890}", "123456789012345678901234567890")]
    public void A_producer_trace_id_is_kept_as_sent_except_that_hex_ids_are_lowercased(string json, string expected)
    {
        Assert.Equal(expected, RunParsed(Create(), json).GetProperty("trace_id").GetString());
    }

    [Theory]
    [InlineData("{\"traceId\":\"" + Id + "\",\"msg\":\"ok\"}", "{\"trace_id\":\"" + Id + "\",\"msg\":\"ok\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    [InlineData("{\"trace.id\":\"" + Id + "\",\"msg\":\"ok\"}", "{\"trace_id\":\"" + Id + "\",\"msg\":\"ok\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    [InlineData("{\"trace\":{\"id\":\"" + Id + "\"},\"msg\":\"ok\"}", "{\"trace_id\":\"" + Id + "\",\"msg\":\"ok\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    [InlineData("{\"X-B3-TraceId\":\"" + Id + "\",\"msg\":\"ok\"}", "{\"trace_id\":\"" + Id + "\",\"msg\":\"ok\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    [InlineData("{\"B3\":\"" + Id + "-" + Span + "\",\"msg\":\"ok\"}", "{\"trace_id\":\"" + Id + "\",\"msg\":\"ok\",\"span_id\":\"" + Span + "\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    [InlineData("{\"request\":{\"headers\":{\"b3\":\"" + Id + "-" + Span + "\"}},\"msg\":\"ok\"}", "{\"trace_id\":\"" + Id + "\",\"msg\":\"ok\",\"span_id\":\"" + Span + "\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    [InlineData("{\"request.headers\":{\"x-b3-traceid\":\"" + Id + "\",\"accept\":\"*\"},\"msg\":\"ok\"}", "{\"request.headers\":{\"accept\":\"*\"},\"msg\":\"ok\",\"trace_id\":\"" + Id + "\",\"trace_seq\":1,\"trace_elapsed_ms\":0}")]
    public void The_alias_that_gave_the_id_is_removed_like_any_copy(string json, string expected)
    {
        Assert.Equal(expected, Run(Create(), json));
    }

    [Fact]
    public void Fields_an_earlier_step_set_are_found_by_their_names()
    {
        var record = LogRecordParser.TryParse("{\"msg\":\"ok\"}"u8.ToArray(), out _)!;
        record.Root.Set("traceId", Id.ToUpperInvariant());
        record.Root.Set("service_name", "set-by-code");

        Create().Enrich(record);

        Assert.Equal("{\"msg\":\"ok\",\"trace_id\":\"" + Id + "\",\"service_name\":\"set-by-code\",\"trace_seq\":1,\"trace_elapsed_ms\":0," +
                     "\"trace_root_service\":\"set-by-code\"}", record.ToString());
    }

    [Theory]
    [InlineData("\"caf\\u00e9 \\\"quoted\\\"\"", "caf\u00e9 \"quoted\"")]
    [InlineData("\"\u00e9t\u00e9-\u6f22\"", "\u00e9t\u00e9-\u6f22")]
    [InlineData("\"a-service-name-far-longer-than-any-that-a-session-keeps-one-copy-of-for-its-traces\"", "a-service-name-far-longer-than-any-that-a-session-keeps-one-copy-of-for-its-traces")]
    [InlineData("\"\"", "")]
    public void The_root_service_is_written_back_as_the_same_text_whatever_it_holds(string serviceJson, string expected)
    {
        var enricher = Create();
        var json = "{\"service_name\":" + serviceJson + ",\"trace_id\":\"" + Id + "\"}";

        var first = RunParsed(enricher, json);
        var second = RunParsed(enricher, "{\"trace_id\":\"" + Id + "\"}");

        Assert.Equal(expected, first.GetProperty("trace_root_service").GetString());
        Assert.Equal(expected, second.GetProperty("trace_root_service").GetString());
    }

    [Fact]
    public void Many_distinct_service_names_each_stay_the_root_of_their_own_trace()
    {
        var enricher = Create();
        var names = Enumerable.Range(0, 2_000).Select(i => $"service-{i}").ToList();
        for (var i = 0; i < names.Count; i++)
        {
            RunParsed(enricher, $"{{\"service_name\":\"{names[i]}\",\"trace_id\":\"trace-{i}\"}}");
        }

        Assert.All(Enumerable.Range(0, names.Count).Where(i => i % 97 == 0), i =>
            Assert.Equal(names[i], RunParsed(enricher, $"{{\"trace_id\":\"trace-{i}\"}}").GetProperty("trace_root_service").GetString()));
    }

    [Fact]
    public void A_trace_id_field_holding_an_object_is_not_overwritten_and_the_record_is_not_linked()
    {
        var json = "{\"trace_id\":{\"value\":1},\"traceparent\":\"00-" + Id + "-" + Span + "-01\"}";

        Assert.Equal(json, Run(Create(), json));
    }

    [Fact]
    public void Records_of_a_trace_are_numbered_in_arrival_order_and_timed_from_the_earliest_timestamp()
    {
        var enricher = Create();

        var first = RunParsed(enricher, Rec("2026-11-26T12:00:00.100Z", "model-router"));
        var second = RunParsed(enricher, Rec("2026-11-26T12:00:00.350Z", "mcp-gateway"));
        var other = RunParsed(enricher, "{\"trace_id\":\"other\",\"service_name\":\"audit-service\"}");

        Assert.Equal((1, 0, "model-router"), Linking(first));
        Assert.Equal((2, 250, "model-router"), Linking(second));
        Assert.Equal(1, other.GetProperty("trace_seq").GetInt64());
        Assert.Equal(3, _statistics.TracesLinked);
    }

    [Fact]
    public void A_late_record_with_an_earlier_timestamp_becomes_the_root_and_elapsed_never_goes_negative()
    {
        var enricher = Create();
        RunParsed(enricher, Rec("2026-11-26T12:00:01.000Z", "mcp-gateway"));

        var late = RunParsed(enricher, Rec("2026-11-26T12:00:00.400Z", "model-router"));
        var next = RunParsed(enricher, Rec("2026-11-26T12:00:01.500Z", "audit-service"));

        Assert.Equal((2, 0, "model-router"), Linking(late));
        Assert.Equal((3, 1100, "model-router"), Linking(next));
    }

    [Fact]
    public void A_record_without_a_timestamp_is_timed_by_the_clock()
    {
        var enricher = Create();
        RunParsed(enricher, "{\"trace_id\":\"t\",\"service_name\":\"a\"}");
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        var second = RunParsed(enricher, "{\"trace_id\":\"t\",\"@timestamp\":\"yesterday-ish\"}");

        Assert.Equal((2, 1500, "a"), Linking(second));
    }

    [Fact]
    public void An_earliest_record_without_service_name_gives_no_root_service()
    {
        var doc = RunParsed(Create(), "{\"trace_id\":\"t\"}");

        Assert.False(doc.TryGetProperty("trace_root_service", out _));
        Assert.Equal(0, doc.GetProperty("trace_elapsed_ms").GetInt64());
    }

    [Fact]
    public void A_trace_idle_for_longer_than_the_timeout_is_forgotten()
    {
        var enricher = Create(idle: TimeSpan.FromMinutes(10));
        RunParsed(enricher, Rec("2026-11-26T12:00:00Z", "a"));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(2, RunParsed(enricher, Rec("2026-11-26T12:09:00Z", "a")).GetProperty("trace_seq").GetInt64());

        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        RunParsed(enricher, "{\"trace_id\":\"unrelated\"}");
        Assert.Equal(1, enricher.ActiveTraces);

        Assert.Equal(1, RunParsed(enricher, Rec("2026-11-26T12:20:00Z", "b")).GetProperty("trace_seq").GetInt64());
    }

    [Fact]
    public void A_session_whose_many_traces_all_went_idle_links_the_next_ones_from_nothing()
    {
        // More traces than one chunk of the table's storage, so that the table lets it go when the last one goes.
        var enricher = Create(idle: TimeSpan.FromMinutes(10));
        for (var i = 0; i < 600; i++)
        {
            Seq(enricher, "t" + i);
        }

        Assert.Equal(2, Seq(enricher, "t599"));
        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(1, Seq(enricher, "t1"));
        Assert.Equal(1, enricher.ActiveTraces);
        Assert.Equal(2, Seq(enricher, "t1"));
        Assert.Equal(1, Seq(enricher, "t599"));
        Assert.Equal(2, enricher.ActiveTraces);
    }

    [Fact]
    public void Beyond_the_maximum_the_least_recently_seen_trace_is_forgotten()
    {
        var enricher = Create(maxTraces: 2);
        Seq(enricher, "t1");
        Seq(enricher, "t2");
        Seq(enricher, "t1");
        Seq(enricher, "t3");

        Assert.Equal(2, enricher.ActiveTraces);
        Assert.Equal(3, Seq(enricher, "t1"));
        Assert.Equal(1, Seq(enricher, "t2"));
        Assert.Equal(1, Seq(enricher, "t3"));
    }

    [Fact]
    public void A_trace_that_takes_the_place_of_a_forgotten_one_starts_from_nothing()
    {
        var enricher = Create(maxTraces: 1);
        RunParsed(enricher, "{\"@timestamp\":\"2026-11-26T11:00:00Z\",\"service_name\":\"checkout\",\"trace_id\":\"first\"}");
        RunParsed(enricher, "{\"@timestamp\":\"2026-11-26T11:00:05Z\",\"service_name\":\"checkout\",\"trace_id\":\"first\"}");

        var second = RunParsed(enricher, "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"trace_id\":\"second-and-longer-than-thirty-two-characters\"}");
        var third = RunParsed(enricher, "{\"@timestamp\":\"2026-11-26T12:00:01Z\",\"traceparent\":\"00-" + Id + "-" + Span + "-01\"}");

        Assert.Equal((1, 0, null), Linking(second));
        Assert.Equal("second-and-longer-than-thirty-two-characters", second.GetProperty("trace_id").GetString());
        Assert.Equal((1, 0, null), Linking(third));
        Assert.Equal(Id, third.GetProperty("trace_id").GetString());
        Assert.Equal(1, enricher.ActiveTraces);
        Assert.Equal(1, Seq(enricher, "first"));
    }

    [Theory]
    [InlineData("{\"traceId\":\"a\\\"quoted\\\\id\"}", "a\"quoted\\id")]
    [InlineData("{\"traceId\":\"tab\\there\"}", "tab\there")]
    [InlineData("{\"traceId\":\"\u00e9t\u00e9-\u6f22\"}", "\u00e9t\u00e9-\u6f22")]
    [InlineData("{\"traceId\":12345678901234}", "12345678901234")]
    public void A_producers_own_id_is_written_back_as_valid_json_whatever_it_holds(string json, string expected)
    {
        var enricher = Create();

        var first = RunParsed(enricher, json);
        var again = RunParsed(enricher, json);

        Assert.Equal(expected, first.GetProperty("trace_id").GetString());
        Assert.Equal(expected, again.GetProperty("trace_id").GetString());
        Assert.Equal(2, again.GetProperty("trace_seq").GetInt64());
    }

    [Fact]
    public void Disposing_the_session_drops_its_state()
    {
        var enricher = Create();
        Seq(enricher, "t1");

        enricher.Dispose();

        Assert.Equal(0, enricher.ActiveTraces);
    }

    [Fact]
    public void A_record_prepared_before_it_is_enriched_gets_the_fields_it_gets_without()
    {
        var prepared = Create();
        var plain = Create();
        var lines = new[]
        {
            Rec("2026-11-26T12:00:01Z", "checkout"), Rec("2026-11-26T12:00:00Z", "gateway"),
            "{\"trace_id\":\"" + Id.ToUpperInvariant() + "\",\"@timestamp\":\"2026-11-26T12:00:03Z\"}",
            "{\"trace_id\":\"" + Id[..16] + "\"}",
        };

        foreach (var line in lines)
        {
            var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(line), out _)!;
            prepared.Prepare(record);
            prepared.Enrich(record);

            Assert.Equal(Run(plain, line), record.ToString());
        }
    }

    [Fact]
    public void A_session_at_its_trace_budget_links_as_an_enricher_that_is_not_prepared()
    {
        // Every new trace past the budget takes the oldest one's place, and the session fetches that place ahead.
        using var chain = EnrichmentChain.Create(new EnrichmentOptions { Trace = { MaxTraces = 3 } }, _time);
        using var session = chain.CreateSession();
        var plain = Create(maxTraces: 3);
        var random = new Random(7);
        var ids = Enumerable.Range(0, 6).Select(_ => Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Id[16..]).ToList();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        for (var i = 0; i < 400; i++)
        {
            var line = "{\"@timestamp\":\"2026-11-26T12:00:" + (random.Next(60)).ToString("00", System.Globalization.CultureInfo.InvariantCulture)
                + "Z\",\"service_name\":\"s" + random.Next(3) + "\",\"trace_id\":\"" + ids[random.Next(ids.Count)] + "\"}";
            output.Clear();
            session.Enrich(Encoding.UTF8.GetBytes(line), output);

            Assert.Equal(Linking(RunParsed(plain, line)), Linking(JsonDocument.Parse(output.WrittenMemory).RootElement));
        }
    }

    [Fact]
    public void What_was_prepared_for_one_id_serves_no_record_with_another()
    {
        // An earlier step may set another trace_id after the session prepared the record, and a record may be enriched
        // without being prepared: either way the record is linked by the ID it holds.
        var enricher = Create();
        var other = "0af7651916cd43dd8448eb211c80319c";
        enricher.Prepare(LogRecordParser.TryParse(Encoding.UTF8.GetBytes("{\"trace_id\":\"" + Id + "\"}"), out _)!);

        Assert.Equal(1, Seq(enricher, other));
        Assert.Equal(1, Seq(enricher, Id));
        Assert.Equal(2, Seq(enricher, other));
    }

    [Fact]
    public void Sessions_of_a_chain_keep_separate_trace_state()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions(), _time);
        using var a = chain.CreateSession();
        using var b = chain.CreateSession();
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        a.Enrich("{\"trace_id\":\"t\"}"u8, output);
        a.Enrich("{\"trace_id\":\"t\"}"u8, output);
        output.Clear();
        b.Enrich("{\"trace_id\":\"t\"}"u8, output);

        Assert.Equal(1, JsonDocument.Parse(output.WrittenMemory).RootElement.GetProperty("trace_seq").GetInt64());
    }

    [Theory]
    [InlineData(0, "00:10:00", "Enrichment:Trace:MaxTraces is 0")]
    [InlineData(10, "00:00:00", "Enrichment:Trace:IdleTimeout is 00:00:00")]
    [InlineData(10, "-00:00:01", "Enrichment:Trace:IdleTimeout is -00:00:01")]
    public void Invalid_options_are_refused_with_the_key_and_the_value(int maxTraces, string idle, string expected)
    {
        var options = new EnrichmentOptions { Trace = { MaxTraces = maxTraces, IdleTimeout = TimeSpan.Parse(idle, System.Globalization.CultureInfo.InvariantCulture) } };

        var ex = Assert.Throws<EnrichmentConfigurationException>(() => EnrichmentChain.Create(options));

        Assert.Contains(expected, ex.Message);
        Assert.Contains("allowed", ex.Message);
    }

    private static string Rec(string timestamp, string service) =>
        "{\"@timestamp\":\"" + timestamp + "\",\"service_name\":\"" + service + "\",\"trace_id\":\"" + Id + "\"}";

    private static long Seq(TraceLinkingEnricher enricher, string id) =>
        RunParsed(enricher, "{\"trace_id\":\"" + id + "\"}").GetProperty("trace_seq").GetInt64();

    private static (long Seq, long Elapsed, string? Root) Linking(JsonElement doc) =>
        (doc.GetProperty("trace_seq").GetInt64(), doc.GetProperty("trace_elapsed_ms").GetInt64(),
            doc.TryGetProperty("trace_root_service", out var root) ? root.GetString() : null);
}
