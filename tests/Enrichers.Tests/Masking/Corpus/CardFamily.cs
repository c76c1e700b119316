using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Payment card numbers (Luhn-valid Visa, Mastercard, Amex, Discover) plain and grouped by spaces, no-break
/// spaces, dashes, dots, form-encoded '+' and <c>%20</c>, in every place; under card keys as strings (checksum or not)
/// and JSON numbers.</summary>
internal sealed class CardFamily : ICorpusFamily
{
    public string Name => "card";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var separators = new (string Name, string Separator)[]
        {
            ("plain", ""), ("spaces", " "), ("dashes", "-"), ("dots", "."), ("form plus", "+"), ("percent-20", "%20"), ("no-break spaces", "\u00a0"),
        };
        var index = 0;
        foreach (var (name, separator) in separators)
        {
            for (var k = 0; k < 5; k++)
            {
                var prefix = random.Pick(new[] { "4", "51", "55", "6011", "2221" });
                var card = random.LuhnCard(prefix, 16);
                var written = string.Join(separator, card.Chunk(4).Select(c => new string(c)));
                var place = separator is "+" or "%20" ? (k % 2 == 0 ? "url" : "form") : Places[index++ % Places.Count];
                var keep = new List<string>();
                var json = Record(random, place, written, keep);
                yield return new CorpusCase(Name, $"{name} in {place} #{k}", json, Distinct(card, written), keep);
            }
        }

        for (var k = 0; k < 4; k++)
        {
            var amex = random.LuhnCard("37", 15);
            var written = $"{amex[..4]} {amex[4..10]} {amex[10..]}";
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"amex 4-6-5 #{k}", Record(random, Places[k], written, keep), [amex, written], keep);
        }

        foreach (var key in new[] { "card_number", "cardNumber", "cc_number", "credit_card", "pan" })
        {
            var valid = random.LuhnCard("4", 16);
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"json number under {key}", "{" + Envelope(random, keep) + $",\"payment\":{{\"{key}\":{valid},\"amount\":12.5}}}}", [valid], keep);

            // Under a card key a number that fails Luhn (a typo, a test number) is still the customer's.
            var invalid = valid[..^1] + (char)('0' + ((valid[^1] - '0' + 1) % 10));
            yield return new CorpusCase(Name, $"failing luhn under {key}", "{" + Envelope(random, keep = []) + $",\"{key}\":\"{invalid}\"}}", [invalid], keep);
        }
    }

    private static string[] Distinct(string a, string b) => a == b ? [a] : [a, b];
}
