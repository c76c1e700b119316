using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Text the masker must read without failing, and without failing the record: lone surrogate escapes in
/// values and names (valid JSON, invalid UTF-16), escapes of every kind, control characters, very long and deeply
/// nested values. The fields the index needs come out unchanged; personal data next to the odd text is masked.</summary>
internal sealed class RobustnessFamily : ICorpusFamily
{
    public string Name => "robustness";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var odd = new[]
        {
            "\\ud800", "\\udc00", "x\\ud83d", "\\ud83dx\\ude00", "a\\u0000b", "tab\\there\\nnew\\rline", "\\\"quoted\\\" \\\\ back\\/slash",
            "\\ud800\\ud800", "emoji \\ud83d\\ude80 ok", "\\u00e9\\u00e8", "\\b\\f",
        };
        foreach (var text in odd)
        {
            var email = $"{random.Letters(6)}.{random.Letters(4)}@{random.Letters(6)}.com";
            var phone = "+1" + random.NanpDigits();
            var keep = new List<string>();
            var envelope = Envelope(random, keep);
            yield return new CorpusCase(Name, $"odd text beside pii: {text}", "{" + envelope + $",\"message\":\"{text} \",\"user\":\"{email}\",\"note\":\"call {phone}\"}}", [email, phone], keep);
            yield return new CorpusCase(Name, $"pii inside odd text: {text}", "{" + Envelope(random, keep = []) + $",\"message\":\"{text} mail {email} {text}\"}}", [email], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var email = $"{random.Letters(7)}@{random.Letters(6)}.io";
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"lone surrogate in a key name #{k}", "{" + Envelope(random, keep) + $",\"tags\":{{\"k\\ud800{k}\":\"{email}\"}}}}", [email], keep);
        }

        for (var k = 0; k < 3; k++)
        {
            var email = $"{random.Letters(7)}@{random.Letters(6)}.de";
            var filler = string.Concat(Enumerable.Repeat("lorem ipsum 123 dolor 4.5.6 ", 2000 + (k * 500)));
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"long value #{k}", "{" + Envelope(random, keep) + ",\"message\":" + Q(filler + email + " " + filler) + "}", [email], keep);
        }

        for (var k = 0; k < 3; k++)
        {
            var email = $"{random.Letters(7)}@{random.Letters(6)}.fr";
            var depth = 20 + (k * 15);
            var nested = string.Concat(Enumerable.Repeat("{\"n\":", depth)) + Q(email) + new string('}', depth);
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"deep nesting {depth}", "{" + Envelope(random, keep) + ",\"deep\":" + nested + "}", [email], keep);
        }
    }
}
