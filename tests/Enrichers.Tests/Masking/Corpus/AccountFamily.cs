using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>US SSNs (dashed, spaced, dotted, no-break spaced; nine bare digits or a JSON number under an <c>ssn</c> key)
/// and IBANs (upper and lower case, grouped by spaces or dashes), in every place.</summary>
internal sealed class AccountFamily : ICorpusFamily
{
    public string Name => "account";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var index = 0;
        foreach (var separator in new[] { "-", " ", ".", "\u00a0" })
        {
            for (var k = 0; k < 4; k++)
            {
                var (area, group, serial) = random.Ssn();
                var ssn = $"{area:000}{separator}{group:00}{separator}{serial:0000}";
                var place = Places[index++ % Places.Count];
                if (place is "url" or "form" && separator is not "-")
                {
                    place = "text";
                }

                var keep = new List<string>();
                yield return new CorpusCase(Name, $"ssn '{separator}' in {place} #{k}", Record(random, place, $"ssn {ssn}", keep), [ssn], keep);
            }
        }

        foreach (var key in new[] { "ssn", "SSN", "social_security_number", "customer_ssn" })
        {
            // Areas from 100, so that the JSON number has no leading zero.
            var (area, group, serial) = random.Ssn();
            area = Math.Max(area, 100);
            var digits = $"{area:000}{group:00}{serial:0000}";
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"nine bare digits under {key}", "{" + Envelope(random, keep) + $",\"applicant\":{{\"{key}\":\"{digits}\"}}}}", [digits], keep);
            yield return new CorpusCase(Name, $"json number under {key}", "{" + Envelope(random, keep = []) + $",\"{key}\":{digits}}}", [digits], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var (area, group, serial) = random.Ssn();
            var digits = $"{area:000}{group:00}{serial:0000}";
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"ssn key before bare digits in text #{k}", "{" + Envelope(random, keep) + ",\"message\":" + Q($"verify ssn={digits} for applicant") + "}", [digits], keep);
        }

        var countries = new (string Code, int Bban)[] { ("DE", 18), ("FR", 23), ("GB", 18), ("NL", 14), ("ES", 20), ("IT", 23), ("BE", 12) };
        foreach (var form in new[] { "upper", "lower", "upper spaced", "lower spaced", "dashed" })
        {
            for (var k = 0; k < 4; k++)
            {
                var (code, bban) = countries[(index++) % countries.Length];
                var iban = random.Iban(code, bban);
                var written = form switch
                {
                    "upper" => iban,
                    "lower" => iban.ToLowerInvariant(),
                    "upper spaced" => Group(iban, " "),
                    "lower spaced" => Group(iban.ToLowerInvariant(), " "),
                    _ => Group(iban, "-"),
                };
                var place = Places[index % Places.Count];
                if (place is "url" or "form" && written.Contains(' ', StringComparison.Ordinal))
                {
                    place = "sql";
                }

                var keep = new List<string>();
                yield return new CorpusCase(Name, $"iban {form} in {place} #{k}", Record(random, place, written, keep), [written, iban[4..]], keep);
            }
        }
    }

    private static string Group(string text, string separator) => string.Join(separator, text.Chunk(4).Select(c => new string(c)));
}
