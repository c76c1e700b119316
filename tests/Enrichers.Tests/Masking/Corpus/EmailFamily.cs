using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>E-mail addresses in the forms real logs write them: apostrophes, plus-addressing, quoted local parts,
/// internationalized and punycode domains, non-ASCII local parts, upper case, URL- and form-encoded, each in every
/// place log text travels in; local parts written with <c>\u</c> escapes inside JSON held in a string; and at-signs
/// that are not addresses, which must survive.</summary>
internal sealed class EmailFamily : ICorpusFamily
{
    public string Name => "email";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var forms = new (string Name, Func<Random, (string Address, string[] Parts)> Make)[]
        {
            ("plain", r => Parts($"{r.Letters(6)}.{r.Letters(6)}@{r.Letters(7)}.com")),
            ("apostrophe", r => Apostrophe(r)),
            ("plus-addressing", r => PlusAddress(r)),
            ("upper case", r => Parts($"{r.Letters(6).ToUpperInvariant()}.{r.Letters(5)}@{r.Letters(6).ToUpperInvariant()}.COM")),
            ("subdomain", r => Parts($"{r.Letters(7)}@mail.{r.Letters(6)}.co.uk")),
            ("idn domain", r => Local(r, $"@{r.Letters(4)}-münchen.de")),
            ("idn cyrillic", r => Local(r, $"@пример{r.Letters(3)}.рф")),
            ("idn cjk", r => Local(r, $"@例子{r.Letters(3)}.公司")),
            ("punycode domain", r => Local(r, $"@xn--{r.Letters(5)}-kva.de")),
            ("punycode tld", r => Local(r, $"@{r.Letters(6)}.xn--p1ai")),
            ("non-ascii local", r => Parts($"jürgen{r.Letters(5)}@{r.Letters(6)}.de")),
            ("quoted local", r => Quoted(r)),
        };

        var index = 0;
        foreach (var (form, make) in forms)
        {
            for (var k = 0; k < 4; k++)
            {
                var place = Places[index++ % Places.Count];
                var (address, parts) = make(random);
                var written = place switch
                {
                    "url" => UrlEncode(address),
                    "form" => FormEncode(address),
                    _ => address,
                };
                var keep = new List<string>();
                var json = Record(random, place, written, keep);
                var planted = new List<string>(parts) { address };
                if (written != address)
                {
                    planted.Add(written);
                }

                yield return new CorpusCase(Name, $"{form} in {place} #{k}", json, planted, keep);
            }
        }

        for (var k = 0; k < 6; k++)
        {
            // A local part written with \u escapes in JSON held in a string: masked after decoding, and the inner JSON
            // stays valid.
            var local = random.Letters(5) + (k % 2 == 0 ? "'" : ".") + random.Letters(6);
            var domain = random.Letters(7) + ".org";
            var inner = $"{{\"to\":\"{UnicodeEscaped(local)}@{domain}\",\"subject\":\"invoice {random.Next(1000, 9999)}\",\"sent\":true}}";
            var keep = new List<string> { "\"sent\":true" };
            var json = "{" + Envelope(random, keep) + ",\"mail\":" + Q(inner) + "}";
            keep.Remove("\"sent\":true");
            yield return new CorpusCase(Name, $"unicode-escaped local part in json string #{k}", json, [$"{local}@{domain}", local], keep);
        }

        var notAddresses = new[]
        {
            "GET /assets/icon@2x.png 200", "npm i @scope/pkg@1.2.3 done", "ssh deploy@localhost failed", "@timestamp missing in batch",
            "loaded sprite@1.5x.webp", "mention @ops-team in #incidents",
        };
        foreach (var text in notAddresses)
        {
            var keep = new List<string> { text };
            var json = "{" + Envelope(random, keep) + ",\"message\":" + Q(text) + "}";
            yield return new CorpusCase(Name, $"not an address: {text}", json, [], keep);
        }
    }

    private static (string, string[]) Parts(string address) => (address, [address[..address.IndexOf('@', StringComparison.Ordinal)]]);

    private static (string, string[]) Local(Random random, string domain)
    {
        var local = random.Letters(4) + "." + random.Letters(4);
        return (local + domain, [local]);
    }

    // o'neil: the part before the apostrophe is planted too, so a mask that starts at the apostrophe is a leak.
    private static (string, string[]) Apostrophe(Random random)
    {
        var first = random.Letters(6);
        var address = $"{first}'{random.Letters(6)}@{random.Letters(6)}.ie";
        return (address, [first + "'"]);
    }

    private static (string, string[]) PlusAddress(Random random)
    {
        var user = random.Letters(6);
        var address = $"{user}+{random.Letters(6)}@{random.Letters(6)}.io";
        return (address, [user + "+"]);
    }

    private static (string, string[]) Quoted(Random random)
    {
        var name = $"{random.Letters(5)} {random.Letters(6)}";
        return ($"\"{name}\"@{random.Letters(6)}.com", [name]);
    }
}
