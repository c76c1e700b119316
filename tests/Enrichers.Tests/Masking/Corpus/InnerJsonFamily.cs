using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>JSON held in strings (request and response bodies, serialized events, queue payloads), one and two levels
/// deep, compact and pretty-printed, objects and arrays, with escapes of every kind: the personal data inside is masked,
/// the harmless values stay, and the string still holds valid JSON afterwards.</summary>
internal sealed class InnerJsonFamily : ICorpusFamily
{
    public string Name => "inner-json";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var k = 0; k < 8; k++)
        {
            var email = $"{random.Letters(6)}.{random.Letters(5)}@{random.Letters(6)}.com";
            var phone = "+1 " + random.NanpDigits().Insert(3, " ").Insert(7, " ");
            var card = random.LuhnCard("4", 16);
            var model = $"gpt-4o-2024-08-{random.Next(10, 28)}";
            var body = $"{{\"user\":{{\"email\":{Q(email)},\"phone\":{Q(phone)}}},\"card\":{Q(card)},\"model\":{Q(model)},\"note\":\"caf\\u00e9 \\\"q\\\" \\\\ done\",\"n\":[1,2.5,true,null]}}";
            if (k % 2 == 1)
            {
                body = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(body).RootElement, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
            }

            var keep = new List<string> { model };
            var json = "{" + Envelope(random, keep) + ",\"http\":{\"request\":{\"body\":" + Q(body) + "}}}";
            yield return new CorpusCase(Name, $"request body {(k % 2 == 1 ? "pretty" : "compact")} #{k}", json, [email, phone, card], keep);
        }

        for (var k = 0; k < 6; k++)
        {
            var email = $"{random.Letters(7)}@{random.Letters(6)}.org";
            var ip = random.PublicIPv4();
            var inner = $"{{\"event\":\"login\",\"actor\":{Q(email)},\"source\":{Q(ip)}}}";
            var outer = $"{{\"type\":\"audit\",\"data\":{Q(inner)}}}";
            var keep = new List<string> { "audit", "login" };
            var json = "{" + Envelope(random, keep) + ",\"payload\":" + Q(outer) + "}";
            yield return new CorpusCase(Name, $"two levels deep #{k}", json, [email, ip], keep);
        }

        for (var k = 0; k < 6; k++)
        {
            var emails = Enumerable.Range(0, 3).Select(_ => $"{random.Letters(6)}@{random.Letters(5)}.net").ToArray();
            var array = "[" + string.Join(",", emails.Select(e => $"{{\"to\":{Q(e)},\"status\":\"queued\"}}")) + "]";
            var keep = new List<string> { "queued" };
            var json = "{" + Envelope(random, keep) + ",\"batch\":" + Q(array) + "}";
            yield return new CorpusCase(Name, $"array of objects #{k}", json, emails, keep);
        }

        for (var k = 0; k < 6; k++)
        {
            // Escaped non-ASCII and an escaped at-sign inside the inner JSON.
            var local = random.Letters(6);
            var domain = random.Letters(6) + ".de";
            var inner = $"{{\"name\":\"J\\u00fcrgen\",\"mail\":\"{local}\\u0040{domain}\",\"ok\":true}}";
            var keep = new List<string> { "Jürgen" };
            var json = "{" + Envelope(random, keep) + ",\"response\":" + Q(inner) + "}";
            yield return new CorpusCase(Name, $"escaped at-sign #{k}", json, [$"{local}@{domain}", local + "\\u0040"], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var email = $"{random.Letters(6)}@{random.Letters(6)}.com";
            var keep = new List<string> { "not json {", "[brackets]" };
            var json = "{" + Envelope(random, keep) + ",\"a\":" + Q("not json { " + email) + ",\"b\":\"[brackets]\",\"c\":" + Q("{broken: " + email + "}") + "}";
            yield return new CorpusCase(Name, $"json-like text that does not parse #{k}", json, [email], keep);
        }
    }
}
