using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Numbers that are not personal data and must come out unchanged: groups of latencies, percentiles, a
/// decimal Datadog trace ID that passes Luhn, ports, timestamps, UUIDs, durations, byte counts, order numbers,
/// each next to a planted value of the same record that must still be masked.</summary>
internal sealed class NumberDamageFamily : ICorpusFamily
{
    public string Name => "number-damage";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var texts = new Func<Random, string>[]
        {
            r => $"latencies {Nanp(r, " ")}",
            r => $"latency p50/p95/p99: {Nanp(r, " ")} ms",
            r => $"stage timings {r.Next(100, 999)}-{r.Next(100, 999)}-{r.Next(1000, 9999)} ms",
            r => $"{r.Next(100, 199)}-{r.Next(100, 999)}-{r.Next(1000, 9999)} ms budget",
            r => $"p50={r.Next(100, 999)} p99={r.Next(1000, 9999)}",
            r => $"took {Nanp(r, " ")} {r.Next(1000, 9999)} ms across 4 shards",
            r => $"durations {r.Next(200, 999)} {r.Next(200, 999)} {r.Next(1000, 9999)}",
            r => $"sizes {r.Next(200, 999)}.{r.Next(200, 999)}.{r.Next(1000, 9999)} KB",
            r => $"connect 10.0.0.5:{r.Next(1024, 65535)} refused",
            r => $"listening on :{r.Next(1024, 65535)}",
            r => $"epoch {1_700_000_000_000L + r.Next(0, int.MaxValue)}",
            r => $"job {Guid(r)} finished",
            r => $"timeout PT{r.Next(1, 9)}H{r.Next(10, 59)}M after {r.Next(100, 999)}ms",
            r => $"wrote {r.Next(100_000, 999_999) * 4096L} bytes",
            r => $"read {r.Next(2, 9)}{r.Next(100_000_000, 999_999_999)} B from disk",
            r => $"order {r.Next(100000, 999999)}-{r.Next(1000, 9999)} shipped",
            r => $"at 2026-12-07 0{r.Next(1, 9)}:{r.Next(10, 59)}:{r.Next(10, 59)},{r.Next(100, 999)} +01:00",
            r => $"retry in {r.Next(2, 9)}{r.Next(100, 999)} {r.Next(100, 999)} {r.Next(1000, 9999)} us",
        };

        for (var k = 0; k < texts.Length * 2; k++)
        {
            var text = texts[k % texts.Length](random);
            var email = $"{random.Letters(6)}@{random.Letters(6)}.com";
            var keep = new List<string> { text };
            var json = "{" + Envelope(random, keep) + ",\"message\":" + Q($"{text}; user {email}") + "}";
            yield return new CorpusCase(Name, $"{text}", json, [email], keep);
        }

        // A Datadog trace ID: 64-bit decimal, here chosen to pass Luhn and start with 2-6 like a card would.
        for (var k = 0; k < 8; k++)
        {
            var id = random.LuhnCard(random.Pick(new[] { "2", "3", "4", "5", "6" }), 19);
            var span = random.LuhnCard("4", 16);
            var text = k % 2 == 0
                ? $"[dd.service=billing dd.env=prod dd.trace_id={id} dd.span_id={span}] charge failed"
                : $"trace_id: {id} span_id: {span} retrying";
            var keep = new List<string> { id, span };
            var json = "{" + Envelope(random, keep) + ",\"message\":" + Q(text) + $",\"dd\":{{\"trace_id\":\"{id}\",\"span_id\":\"{span}\"}}}}";
            yield return new CorpusCase(Name, $"datadog decimal ids #{k}", json, [], keep);
        }
    }

    private static string Nanp(Random random, string separator)
    {
        var d = random.NanpDigits();
        return $"{d[..3]}{separator}{d[3..6]}{separator}{d[6..]}";
    }

    private static string Guid(Random random) =>
        $"{random.Digits(8)}-{random.Digits(4)}-4{random.Digits(3)}-8{random.Digits(3)}-{random.Digits(12)}";
}
