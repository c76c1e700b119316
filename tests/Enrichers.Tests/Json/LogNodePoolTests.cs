using System.Buffers;
using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public sealed class LogNodePoolTests
{
    private static readonly string[] Records =
    [
        "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"service_name\":\"model-router\",\"trace_id\":\"T1\",\"message\":\"mail jane@example.com\",\"n\":12345.50,\"tags\":[\"a\",{\"b\":[1,2,3]}],\"nested\":{\"password\":\"hunter2\",\"deep\":{\"x\":\"caf\\u00e9\"}}}",
        "{\"a\":1}",
        "{\"@timestamp\":\"2026-11-26T12:00:01Z\",\"traceparent\":\"00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01\",\"level\":\"error\",\"error\":\"upstream timed out\",\"status\":504}",
        "{\"ts\":1764158400,\"client_ip\":\"81.2.69.142\",\"headers\":{\"x-api-key\":\"sk-abcdefghijklmnopqrstuvwx\"},\"list\":[[],{},\"\",null,true,false,-0.0,1e400]}",
        "{\"esc\\\"aped\":\"line\\nbreak \\\"quoted\\\"\",\"big\":123456789012345678901234567890,\"empty\":{}}",
        "{\"a\":1}",
    ];

    [Fact]
    public void Records_enriched_one_after_another_in_one_session_come_out_as_each_does_alone()
    {
        var receivedAt = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        var alone = Records.Select(r =>
        {
            using var fresh = chain.CreateSession();
            return Enrich(fresh, r, receivedAt);
        }).ToArray();

        using var session = chain.CreateSession();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < Records.Length; i++)
            {
                // Each trace is seen once per round, so only the linking fields may differ after round one.
                var expected = round == 0 ? alone[i] : alone[i].Replace("\"trace_seq\":1", $"\"trace_seq\":{round + 1}", StringComparison.Ordinal);
                Assert.Equal(expected, Enrich(session, Records[i], receivedAt));
            }
        }
    }

    [Fact]
    public void A_reset_hands_out_the_same_nodes_again_with_none_of_their_old_state()
    {
        var pool = new LogNodePool();
        var first = LogRecordParser.TryParse("{\"k\":\"jane@example.com\",\"n\":1234.5}"u8.ToArray(), out _, 1024, 64, pool)!;
        var oldString = (LogString)first.Root[0].Value;
        oldString.Value = "[email]";
        first.Root.Append("added", first.NewString("x"));

        pool.Reset();
        var second = LogRecordParser.TryParse("{\"other\":\"plain\",\"n\":99999.25}"u8.ToArray(), out _, 1024, 64, pool)!;

        Assert.Same(first, second);
        Assert.Same(oldString, second.Root[0].Value);
        Assert.True(oldString.IsRaw);
        Assert.Equal("plain", oldString.Value);
        Assert.Equal("other", second.Root[0].Name);
        Assert.Equal("{\"other\":\"plain\",\"n\":99999.25}", second.ToString());
    }

    [Fact]
    public void A_record_with_more_nodes_than_the_pool_keeps_round_trips_and_the_next_one_too()
    {
        var items = string.Join(',', Enumerable.Range(0, LogNodePool.MaxKeptPerKind + 100).Select(i => $"{{\"k{i}\":\"v{i}\",\"n\":{i * 1000 + 0.5}}}"));
        var large = $"{{\"items\":[{items}]}}";
        var pool = new LogNodePool();

        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(large), out _, 1 << 22, 64, pool)!;
        Assert.Equal(large, record.ToString());

        pool.Reset();
        record = LogRecordParser.TryParse("{\"small\":[1.5,\"s\"]}"u8.ToArray(), out _, 1024, 64, pool)!;
        Assert.Equal("{\"small\":[1.5,\"s\"]}", record.ToString());
    }

    private static string Enrich(EnrichmentSession session, string json, DateTimeOffset receivedAt)
    {
        var output = new ArrayBufferWriter<byte>();
        var result = session.Enrich(Encoding.UTF8.GetBytes(json).AsMemory(), output, receivedAt);
        Assert.True(result.Accepted, result.ReasonText);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
