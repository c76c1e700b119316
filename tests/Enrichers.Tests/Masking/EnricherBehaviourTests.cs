using System.Text;
using Enrichers.Json;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class EnricherBehaviourTests
{
    [Fact]
    public void Values_and_names_written_by_earlier_enrichers_are_masked_too()
    {
        var record = LogRecordParser.TryParse("{\"a\":1}"u8.ToArray(), out _)!;
        record.Set("note", "from jane@example.com");
        record.Set("headers.apiKey", "k-123");
        new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics()).Enrich(record);

        Assert.Equal("{\"a\":1,\"note\":\"from [email]\",\"headers\":{\"apiKey\":\"[redacted]\"}}", record.ToString());
    }

    [Fact]
    public void Raw_property_names_are_readable_without_decoding()
    {
        var record = LogRecordParser.TryParse("{\"ab\":1,\"c\\u0064\":2}"u8.ToArray(), out _)!;
        record.Root.Set("set", 3);

        Assert.True(record.Root[0].TryGetRawName(out var plain));
        Assert.Equal("ab"u8.ToArray(), plain.ToArray());
        Assert.False(record.Root[1].TryGetRawName(out _));
        Assert.False(record.Root[2].TryGetRawName(out _));
    }

    [Fact]
    public void A_custom_pattern_that_times_out_replaces_the_whole_value()
    {
        var options = new MaskingOptions { Patterns = [new MaskingPattern { Name = "slow", Regex = "^(a+)+$" }] };
        var masker = new Masker(options);

        Assert.Equal("[slow]", masker.MaskValue(new string('a', 40) + "!"));
        Assert.Equal(1, masker.Statistics.Masks["slow"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("session-key-0123456789abcdef")]
    public void A_session_masks_every_record_as_a_lone_enricher_does(string? hmacKey)
    {
        // Sessions rebuild masked values as bytes in an arena reused from record to record; a lone enricher
        // (no session) makes strings. Long values make the arena grow mid-record.
        var options = new EnrichmentOptions();
        options.Masking.HmacKey = hmacKey;
        using var chain = EnrichmentChain.Create(options);
        using var session = chain.CreateSession();
        var masker = new Masker(options.Masking);
        for (var i = 0; i < 300; i++)
        {
            var filler = new string('x', i * 37 % 3000);
            var text = $"mail user{i}@example.com card 4111 1111 1111 1111 ip 81.2.69.{i % 250 + 1} café {filler} password: p {i}";
            var json = $"{{\"@timestamp\":\"2026-11-26T12:00:00.000Z\",\"m\":\"{text}\",\"n\":[\"+1 415-555-0132\",\"{filler}\"]}}";
            var output = new System.Buffers.ArrayBufferWriter<byte>();

            Assert.True(session.Enrich(Encoding.UTF8.GetBytes(json).AsMemory(), output).Accepted);
            Assert.Equal(masker.Mask(json), Encoding.UTF8.GetString(output.WrittenSpan));
        }
    }

    [Fact]
    public void One_enricher_is_safe_to_share_between_threads()
    {
        var enricher = new PiiMaskingEnricher(new MaskingOptions { HmacKey = "shared-key-0123456789abcdef" }, new EnrichmentStatistics());
        var inputs = Enumerable.Range(0, 200)
            .Select(i => $"{{\"m\":\"user{i % 7}@example.com 81.2.69.{i % 250 + 1}\",\"password\":\"p{i}\"}}")
            .ToArray();
        string Run(string json)
        {
            var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
            enricher.Enrich(record);
            return record.ToString();
        }

        var expected = inputs.Select(Run).ToArray();
        var actual = new string[inputs.Length];
        Parallel.For(0, inputs.Length * 5, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i % inputs.Length] = Run(inputs[i % inputs.Length]));

        Assert.Equal(expected, actual);
        Assert.DoesNotContain(actual, a => a.Contains("@example.com", StringComparison.Ordinal));
    }
}
