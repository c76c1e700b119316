using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

/// <summary>Trace context carried in the transport's headers (Kafka message headers), used when the body has none.</summary>
public sealed class TraceHeadersTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";

    private static (JsonObject Document, EnrichmentStatistics Statistics) Enrich(string json, TraceHeaders? headers)
    {
        var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();
        var result = session.EnrichEach(Encoding.UTF8.GetBytes(json), output, [], null, headers);
        Assert.True(result.Accepted, result.ReasonText);
        chain.Dispose();
        return (JsonNode.Parse(output.WrittenSpan)!.AsObject(), chain.Statistics);
    }

    public static TheoryData<string, TraceHeaders, string, string?> WellFormed => new()
    {
        { "traceparent", new TraceHeaders { Traceparent = $"00-{TraceId.ToUpperInvariant()}-{SpanId}-01" }, TraceId, SpanId },
        { "b3 single", new TraceHeaders { B3 = $"{TraceId}-{SpanId}-1" }, TraceId, SpanId },
        { "b3 single, 64-bit trace", new TraceHeaders { B3 = $"a3ce929d0e0e4736-{SpanId}" }, "a3ce929d0e0e4736", SpanId },
        { "X-B3 pair", new TraceHeaders { B3TraceId = TraceId, B3SpanId = SpanId }, TraceId, SpanId },
        { "X-B3 trace alone", new TraceHeaders { B3TraceId = TraceId }, TraceId, null },
    };

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void A_record_without_a_trace_id_takes_the_one_its_headers_carry(string form, TraceHeaders headers, string traceId, string? spanId)
    {
        var (doc, statistics) = Enrich("""{"message":"m","service_name":"s"}""", headers);

        Assert.True(traceId == doc["trace_id"]?.ToString(), form);
        Assert.Equal(spanId, doc["span_id"]?.ToString());
        Assert.Equal(1, doc["trace_seq"]?.GetValue<long>());
        Assert.Equal(1, statistics.TraceHeaders["used"]);
    }

    [Fact]
    public void Traceparent_wins_over_the_b3_headers_when_both_are_sent()
    {
        var (doc, _) = Enrich("""{"message":"m"}""",
            new TraceHeaders { Traceparent = $"00-{TraceId}-{SpanId}-01", B3 = "11111111111111111111111111111111-2222222222222222" });

        Assert.Equal(TraceId, doc["trace_id"]?.ToString());
    }

    [Theory]
    [InlineData("""{"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""")]
    [InlineData("""{"traceparent":"00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01"}""")]
    [InlineData("""{"trace":{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}""")]
    [InlineData("""{"@tr":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""")]
    public void The_body_s_own_trace_id_wins_over_the_headers(string json)
    {
        var (doc, statistics) = Enrich(json, new TraceHeaders { Traceparent = $"00-{TraceId}-{SpanId}-01" });

        Assert.Equal("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", doc["trace_id"]?.ToString());
        Assert.NotEqual(SpanId, doc["span_id"]?.ToString());
        Assert.Equal((0, 1), (statistics.TraceHeaders["used"], statistics.TraceHeaders["body"]));
    }

    public static TheoryData<TraceHeaders, int> Malformed => new()
    {
        { new TraceHeaders { Traceparent = "00-xyz-00f067aa0ba902b7-01" }, 1 },
        { new TraceHeaders { Traceparent = $"00-{new string('0', 32)}-{SpanId}-01" }, 1 },
        { new TraceHeaders { Traceparent = $"00-{TraceId}-{SpanId}" }, 1 },
        { new TraceHeaders { B3 = "not-a-trace" }, 1 },
        { new TraceHeaders { B3TraceId = "12345", B3SpanId = SpanId }, 1 },
        { new TraceHeaders { B3SpanId = SpanId }, 1 },
        { new TraceHeaders { Traceparent = "garbage", B3 = "garbage", B3TraceId = "garbage" }, 3 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_headers_are_ignored_and_counted(TraceHeaders headers, int count)
    {
        var (doc, statistics) = Enrich("""{"message":"m"}""", headers);

        Assert.Null(doc["trace_id"]);
        Assert.Equal((count, 0), (statistics.TraceHeaders["malformed"], statistics.TraceHeaders["used"]));
    }

    [Fact]
    public void A_malformed_traceparent_falls_back_to_a_well_formed_b3_header()
    {
        var (doc, statistics) = Enrich("""{"message":"m"}""", new TraceHeaders { Traceparent = "00-bad", B3 = $"{TraceId}-{SpanId}" });

        Assert.Equal(TraceId, doc["trace_id"]?.ToString());
        Assert.Equal((1, 1), (statistics.TraceHeaders["malformed"], statistics.TraceHeaders["used"]));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("d")]
    public void A_b3_header_with_only_a_sampling_decision_carries_no_trace_and_is_not_malformed(string b3)
    {
        var (doc, statistics) = Enrich("""{"message":"m"}""", new TraceHeaders { B3 = b3 });

        Assert.Null(doc["trace_id"]);
        Assert.Equal(0, statistics.TraceHeaders.Total);
    }

    [Fact]
    public void Header_names_are_matched_ignoring_case_and_other_headers_are_ignored()
    {
        var headers = TraceHeaders.From([KeyValuePair.Create("TraceParent", $"00-{TraceId}-{SpanId}-01"), KeyValuePair.Create("content-type", "json"),
            KeyValuePair.Create("x-b3-spanid", SpanId)]);

        Assert.NotNull(headers);
        Assert.Equal(($"00-{TraceId}-{SpanId}-01", SpanId, null), (headers.Traceparent, headers.B3SpanId, headers.B3));
        Assert.Null(TraceHeaders.From([KeyValuePair.Create("content-type", "json")]));
    }

    [Fact]
    public void Every_record_of_an_OTLP_batch_without_its_own_trace_id_takes_the_message_s_trace_context()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();
        var entries = new List<EnrichedDocument>();

        session.EnrichEach(Encoding.UTF8.GetBytes(Normalization.OtlpLogBatchTests.Batch), output, entries, null,
            new TraceHeaders { Traceparent = $"00-{TraceId}-{SpanId}-01" });

        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        // Record 0 carries its own traceId; records 1 and 2 (an all-zero ID is none) take the header's.
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, chain.Statistics.TraceHeaders["used"]);
        Assert.Equal(1, chain.Statistics.TraceHeaders["body"]);
        Assert.Equal(2, text.Split(TraceId).Length - 1);
    }
}
