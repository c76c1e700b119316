using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Timestamps;

public class RecordTimestampTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 26, 10, 0, 0, 123, TimeSpan.Zero);

    private static JsonElement Enrich(string json, DateTimeOffset? receivedAt = null, TimeProvider? clock = null)
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions(), clock);
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();
        var result = session.Enrich(Encoding.UTF8.GetBytes(json).AsMemory(), output, receivedAt);
        Assert.True(result.Accepted);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void A_valid_timestamp_is_left_exactly_as_the_producer_wrote_it()
    {
        var doc = Enrich("{\"@timestamp\":\"2026-11-26T12:00:00.5+02:00\",\"m\":1}", ReceivedAt);

        Assert.Equal("2026-11-26T12:00:00.5+02:00", doc.GetProperty("@timestamp").GetString());
        Assert.False(doc.TryGetProperty("timestamp_original", out _));
    }

    [Fact]
    public void A_record_without_time_gets_the_time_it_was_received()
    {
        var doc = Enrich("{\"message\":\"no time here\"}", ReceivedAt);

        Assert.Equal("2026-11-26T10:00:00.123Z", doc.GetProperty("@timestamp").GetString());
    }

    [Fact]
    public void Without_a_received_time_the_session_clock_is_used()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var doc = Enrich("{\"message\":\"x\"}", clock: clock);

        Assert.Equal("2030-01-02T03:04:05.000Z", doc.GetProperty("@timestamp").GetString());
    }

    [Theory]
    [InlineData("{\"timestamp\":\"2026-11-25T08:30:00Z\"}", "2026-11-25T08:30:00.000Z")]
    [InlineData("{\"ts\":1764059400.25}", "2025-11-25T08:30:00.250Z")]
    [InlineData("{\"ts\":1764059400250}", "2025-11-25T08:30:00.250Z")]
    public void A_producers_other_time_field_becomes_the_timestamp_and_is_kept(string json, string expected)
    {
        var doc = Enrich(json, ReceivedAt);

        Assert.Equal(expected, doc.GetProperty("@timestamp").GetString());
        Assert.True(doc.EnumerateObject().Count() == 2);
    }

    // Docker's "time" and Serilog's "@t" are the time fields of known shapes: the normalization stage maps them onto
    // @timestamp and removes them as duplicates (docs/normalization.md).
    [Theory]
    [InlineData("{\"time\":\"2026-11-25 08:30:00.250\"}", "2026-11-25T08:30:00.250Z")]
    [InlineData("{\"@t\":\"2026-11-25T08:30:00Z\"}", "2026-11-25T08:30:00.000Z")]
    public void The_time_field_of_a_known_shape_becomes_the_timestamp_and_is_consumed(string json, string expected)
    {
        var doc = Enrich(json, ReceivedAt);

        Assert.Equal(expected, doc.GetProperty("@timestamp").GetString());
        Assert.DoesNotContain(doc.EnumerateObject(), p => p.Name is "time" or "@t");
    }

    [Fact]
    public void An_unreadable_timestamp_is_replaced_and_its_original_kept()
    {
        var doc = Enrich("{\"@timestamp\":\"yesterday-ish\"}", ReceivedAt);

        Assert.Equal("2026-11-26T10:00:00.123Z", doc.GetProperty("@timestamp").GetString());
        Assert.Equal("yesterday-ish", doc.GetProperty("timestamp_original").GetString());
    }
    [Theory]
    [InlineData("2026-11-26T12:00:00.000Z")]
    [InlineData("2026-11-26T12:34:56.789Z")]
    [InlineData("2024-02-29T23:59:59.999Z")]
    [InlineData("2016-12-31T23:59:60.500Z")]
    [InlineData("1969-12-31T23:59:59.999Z")]
    [InlineData("0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.999Z")]
    public void The_form_the_stage_writes_is_read_to_the_same_milliseconds_as_the_general_parser(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.True(Enrichers.Tracing.IsoTimestamp.TryParse(bytes, out var expected));
        Assert.True(Enrichers.Timestamps.RecordTimestamp.TryReadCanonical(Enrichers.Json.LogString.FromRaw(bytes, hasEscapes: false), out var read));
        Assert.Equal(expected, read);
    }

    [Theory]
    [InlineData("2026-02-29T00:00:00.000Z")]
    [InlineData("2026-13-01T00:00:00.000Z")]
    [InlineData("2026-00-01T00:00:00.000Z")]
    [InlineData("2026-04-31T00:00:00.000Z")]
    [InlineData("2026-11-00T00:00:00.000Z")]
    [InlineData("0000-01-01T00:00:00.000Z")]
    [InlineData("2026-11-26T24:00:00.000Z")]
    [InlineData("2026-11-26T12:60:00.000Z")]
    [InlineData("2026-11-26T12:00:61.000Z")]
    [InlineData("2026-11-26t12:00:00.000Z")]
    [InlineData("2026-11-26 12:00:00.000Z")]
    [InlineData("2026-11-26T12:00:00.000z")]
    [InlineData("2026-11-26T12:00:00,000Z")]
    [InlineData("2026/11/26T12:00:00.000Z")]
    [InlineData("2026-1a-26T12:00:00.000Z")]
    [InlineData("2026-11-26T12:00:00.00aZ")]
    [InlineData("2026-11-26T12:00:00.0000")]
    [InlineData("2026-11-26T12:00:00.00Z")]
    [InlineData("2026-11-26T12:00:00.0000Z")]
    [InlineData("2026-11-26T12:00:00+00:00")]
    public void Any_other_form_or_an_impossible_date_is_left_to_the_general_parser(string text)
    {
        Assert.False(Enrichers.Timestamps.RecordTimestamp.TryReadCanonical(Enrichers.Json.LogString.FromRaw(Encoding.UTF8.GetBytes(text), hasEscapes: false), out _));
    }

    [Fact]
    public void A_timestamp_that_is_not_the_input_s_unescaped_bytes_is_left_to_the_general_parser()
    {
        Assert.False(Enrichers.Timestamps.RecordTimestamp.TryReadCanonical(new Enrichers.Json.LogString("2026-11-26T12:00:00.000Z"), out _));
        Assert.False(Enrichers.Timestamps.RecordTimestamp.TryReadCanonical(
            Enrichers.Json.LogString.FromRaw(Encoding.UTF8.GetBytes("2026-11-26\\u005412:00:00.000Z"), hasEscapes: true), out _));
        Assert.False(Enrichers.Timestamps.RecordTimestamp.TryReadCanonical(null, out _));
    }

    [Fact]
    public void An_impossible_date_in_the_canonical_layout_is_still_replaced_and_kept()
    {
        var doc = Enrich("{\"@timestamp\":\"2026-02-30T12:00:00.000Z\"}", ReceivedAt);

        Assert.Equal("2026-11-26T10:00:00.123Z", doc.GetProperty("@timestamp").GetString());
        Assert.Equal("2026-02-30T12:00:00.000Z", doc.GetProperty("timestamp_original").GetString());
    }
}
