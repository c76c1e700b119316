using System.Buffers;
using System.Text;
using System.Text.Json;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public sealed class RoundTripPropertyTests
{
    private const int Cases = 2000;

    // Records carry their time: without one the session adds @timestamp, which is a change.
    private static string Timed(string json) =>
        json == "{}" ? "{\"@timestamp\":\"2026-11-26T12:00:00.000Z\"}" : "{\"@timestamp\":\"2026-11-26T12:00:00.000Z\"," + json[1..];

    private static string Enrich(EnrichmentSession session, string json)
    {
        var output = new ArrayBufferWriter<byte>();
        var result = session.Enrich(Encoding.UTF8.GetBytes(json), output);
        Assert.True(result.Accepted, $"{result.ReasonCode}: {result.ReasonText} for {json}");
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Records_no_enricher_has_a_reason_to_touch_come_out_of_the_whole_chain_byte_for_byte()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var random = new RandomJson(seed: 20261126);

        for (var i = 0; i < Cases; i++)
        {
            var json = Timed(random.Object());
            Assert.Equal(json, Enrich(session, json));
        }

        Assert.Equal(Cases, chain.Statistics.RecordsEnriched);
        Assert.Equal(0, chain.Statistics.EnricherFailures.Total);
    }

    [Fact]
    public void Unknown_fields_keep_their_bytes_and_order_when_enrichers_change_and_add_fields()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var random = new RandomJson(seed: 7);
        var known = new[]
        {
            "\"traceId\":\"4BF92F3577B34DA6A3CE929D0E0E4736\",\"level\":\"error\",\"message\":\"upstream timed out\"",
            "\"request\":{\"headers\":{\"b3\":\"4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7\"}},\"status\":503",
            "\"trace_id\":\"t-1\",\"@timestamp\":\"2026-11-26T12:00:00Z\",\"service_name\":\"model-router\"",
        };

        for (var i = 0; i < Cases; i++)
        {
            var unknown = random.Object();
            var json = unknown[..^1] + "," + known[i % known.Length] + "}";

            var output = Enrich(session, json);

            Assert.StartsWith(unknown[..^1] + ",", output);
            using var doc = JsonDocument.Parse(output);
        }
    }

    [Fact]
    public void Whitespace_in_the_input_is_dropped_and_nothing_else_changes()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var random = new RandomJson(seed: 99);

        for (var i = 0; i < 500; i++)
        {
            var json = Timed(random.Object());
            var spaced = Spread(json);

            Assert.Equal(json, Enrich(session, spaced));
        }
    }

    [Fact]
    public void The_random_records_are_valid_json_with_varied_content()
    {
        var random = new RandomJson(seed: 1);
        var all = string.Concat(Enumerable.Range(0, 300).Select(_ => random.Object()));

        foreach (var needle in new[] { "\\u00e9", "\\ud83d\\ude80", "🚀", "1e400", "12345678901234567890123456789", "[", "{}", "\\\"", "." })
        {
            Assert.Contains(needle, all);
        }
    }

    // Adds JSON whitespace between tokens, never inside strings.
    private static string Spread(string json)
    {
        var sb = new StringBuilder();
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            sb.Append(c);
            if (inString)
            {
                if (c == '\\')
                {
                    sb.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is ',' or ':' or '{' or '[')
            {
                sb.Append(i % 3 == 0 ? "\n\t " : " ");
            }
        }

        return " " + sb + "\r\n";
    }
}
