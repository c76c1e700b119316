using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Phone numbers: E.164, international groups separated by spaces, no-break spaces (U+00A0) or narrow
/// no-break spaces (U+202F), North American forms, in every place; under keys that name a phone (<c>caller_id</c>,
/// <c>phone_id</c>, <c>msisdn</c>) as bare digits, strings or JSON numbers.</summary>
internal sealed class PhoneFamily : ICorpusFamily
{
    public string Name => "phone";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var forms = new (string Name, Func<Random, string> Make)[]
        {
            ("e164", r => "+1" + r.NanpDigits()),
            ("international spaced", r => $"+44 20 {r.Next(1000, 9999)} {r.Next(1000, 9999)}"),
            ("international no-break spaces", r => $"+44\u00a020\u00a0{r.Next(1000, 9999)}\u00a0{r.Next(1000, 9999)}"),
            ("international narrow no-break spaces", r => $"+33\u202f6\u202f{r.Next(10, 99)}\u202f{r.Next(10, 99)}\u202f{r.Next(10, 99)}\u202f{r.Next(10, 99)}"),
            ("nanp dashed", r => Nanp(r, "-")),
            ("nanp dotted", r => Nanp(r, ".")),
            ("nanp parenthesized", r => { var d = r.NanpDigits(); return $"({d[..3]}) {d[3..6]}-{d[6..]}"; }),
            ("nanp no-break spaces", r => Nanp(r, "\u00a0")),
        };

        var index = 0;
        foreach (var (form, make) in forms)
        {
            for (var k = 0; k < 4; k++)
            {
                var place = Places[index++ % Places.Count];
                var phone = make(random);
                var written = place switch
                {
                    "url" => UrlEncode(phone),
                    "form" => FormEncode(phone),
                    _ => phone,
                };
                if (written.Replace("%2B", "", StringComparison.Ordinal).Contains('%', StringComparison.Ordinal))
                {
                    // Spaces and parentheses percent-encoded inside a phone are a known limit (docs/masking.md).
                    place = "text";
                    written = phone;
                }

                var keep = new List<string>();
                var json = Record(random, place, written, keep);
                yield return new CorpusCase(Name, $"{form} in {place} #{k}", json, Distinct(phone, written), keep);
            }
        }

        var keys = new[] { "caller_id", "callee_id", "phone_id", "msisdn", "phone", "mobile", "phoneNumber", "contact_phone", "fax", "telephone" };
        foreach (var key in keys)
        {
            var digits = "1" + random.NanpDigits();
            var keep = new List<string>();
            var envelope = Envelope(random, keep);
            yield return new CorpusCase(Name, $"bare digits under {key}", "{" + envelope + $",\"call\":{{\"{key}\":\"{digits}\",\"duration_ms\":{random.Next(100, 999)}}}}}", [digits], keep);
            var plus = "+" + digits;
            yield return new CorpusCase(Name, $"e164 under {key}", "{" + Envelope(random, keep = []) + $",\"{key}\":\"{plus}\"}}", [digits], keep);
            yield return new CorpusCase(Name, $"json number under {key}", "{" + Envelope(random, keep = []) + $",\"{key}\":{digits}}}", [digits], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var digits = random.NanpDigits();
            var keep = new List<string>();
            var text = k % 2 == 0 ? $"inbound call caller_id={digits} routed to queue 7" : $"SMS to msisdn: +1{digits} delivered";
            yield return new CorpusCase(Name, $"key before bare digits in text #{k}", "{" + Envelope(random, keep) + ",\"message\":" + Q(text) + "}", [digits], keep);
        }
    }

    private static string Nanp(Random random, string separator)
    {
        var d = random.NanpDigits();
        return $"{d[..3]}{separator}{d[3..6]}{separator}{d[6..]}";
    }

    private static string[] Distinct(string a, string b) => a == b ? [a] : [a, b];
}
