using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>National identifiers: India's Aadhaar (4-4-4 grouped with a Verhoeff check digit anywhere; 12 bare
/// digits under an <c>aadhaar</c> key or after one in text) and PAN (with context: a <c>pan</c> key or words before
/// it), the UK National Insurance number (spaced anywhere; bare with context).</summary>
internal sealed class NationalIdFamily : ICorpusFamily
{
    public string Name => "national-id";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var index = 0;
        foreach (var separator in new[] { " ", "-", "\u00a0" })
        {
            for (var k = 0; k < 4; k++)
            {
                var aadhaar = random.Aadhaar();
                var written = $"{aadhaar[..4]}{separator}{aadhaar[4..8]}{separator}{aadhaar[8..]}";
                var place = Places[index++ % Places.Count];
                if (place is "url" or "form")
                {
                    place = "text";
                }

                var keep = new List<string>();
                yield return new CorpusCase(Name, $"aadhaar grouped '{separator}' in {place} #{k}", Record(random, place, written, keep), [written, aadhaar[4..]], keep);
            }
        }

        foreach (var key in new[] { "aadhaar", "aadhaar_number", "aadharNo", "uidai" })
        {
            var aadhaar = random.Aadhaar();
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"aadhaar bare under {key}", "{" + Envelope(random, keep) + $",\"kyc\":{{\"{key}\":\"{aadhaar}\"}}}}", [aadhaar], keep);
            yield return new CorpusCase(Name, $"aadhaar json number under {key}", "{" + Envelope(random, keep = []) + $",\"{key}\":{aadhaar}}}", [aadhaar], keep);
        }

        var panTexts = new Func<string, string>[]
        {
            p => $"KYC check failed for PAN: {p}", p => $"pan={p}&status=pending", p => $"permanent account number {p} verified",
            p => $"PAN number {p} linked", p => $"{{\"pan\": \"{p}\", \"name\": \"R Kumar\"}}",
        };
        for (var k = 0; k < 10; k++)
        {
            var pan = random.Pan();
            var keep = new List<string>();
            var text = panTexts[k % panTexts.Length](pan);
            yield return new CorpusCase(Name, $"pan with context #{k}", "{" + Envelope(random, keep) + ",\"message\":" + Q(text) + "}", [pan], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var pan = random.Pan();
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"pan under key #{k}", "{" + Envelope(random, keep) + $",\"customer\":{{\"pan_number\":\"{pan}\"}}}}", [pan], keep);
        }

        for (var k = 0; k < 8; k++)
        {
            var (prefix, digits, suffix) = random.Nino();
            var spaced = $"{prefix} {digits[..2]} {digits[2..4]} {digits[4..]} {suffix}";
            var keep = new List<string>();
            yield return new CorpusCase(Name, $"nino spaced #{k}", Record(random, Places[k], spaced, keep), [spaced, $"{digits[..2]} {digits[2..4]} {digits[4..]}"], keep);
            var bare = $"{prefix}{digits}{suffix}";
            var text = k % 2 == 0 ? $"national insurance number {bare} on file" : $"NINO: {bare}";
            yield return new CorpusCase(Name, $"nino bare with context #{k}", "{" + Envelope(random, keep = []) + ",\"message\":" + Q(text) + "}", [bare], keep);
        }

        // Look-alikes that must stay: a 12-digit AWS account in an ARN, an order code shaped like a PAN without context.
        for (var k = 0; k < 4; k++)
        {
            var account = random.Digits(12);
            var arn = $"arn:aws:iam::{account}:role/deployer";
            var code = "ORDER" + random.Next(1000, 9999) + "X";
            var keep = new List<string> { arn, code };
            yield return new CorpusCase(Name, $"look-alikes stay #{k}", "{" + Envelope(random, keep) + ",\"message\":" + Q($"assumed {arn} for {code}") + "}", [], keep);
        }
    }
}
