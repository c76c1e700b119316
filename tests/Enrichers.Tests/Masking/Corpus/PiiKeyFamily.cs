using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Personal data in key names: e-mail and IP addresses and phone numbers used as object keys (per-user
/// counters, per-client maps), in the record, nested, and in JSON held in a string; masked names must stay distinct
/// keys (Elasticsearch refuses a key twice).</summary>
internal sealed class PiiKeyFamily : ICorpusFamily
{
    public string Name => "pii-keys";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var k = 0; k < 8; k++)
        {
            var a = $"{random.Letters(6)}.{random.Letters(5)}@{random.Letters(6)}.com";
            var b = $"{random.Letters(6)}@{random.Letters(6)}.org";
            var keep = new List<string> { "\"quota\"" };
            var json = "{" + Envelope(random, keep) + $",\"usage_by_user\":{{\"{a}\":{random.Next(1, 999)},\"{b}\":{random.Next(1, 999)}}},\"quota\":100}}";
            keep.Remove("\"quota\"");
            keep.Add("usage_by_user");
            yield return new CorpusCase(Name, $"emails as keys #{k}", json, [a, b], keep);
        }

        for (var k = 0; k < 6; k++)
        {
            var ip1 = random.PublicIPv4();
            var ip2 = random.PublicIPv4();
            var keep = new List<string> { "10.0.0.7" };
            var json = "{" + Envelope(random, keep) + $",\"rate_limit\":{{\"blocked\":{{\"{ip1}\":{random.Next(1, 50)},\"{ip2}\":{random.Next(1, 50)},\"10.0.0.7\":3}}}}}}";
            yield return new CorpusCase(Name, $"ip addresses as keys #{k}", json, [ip1, ip2], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var phone = "+1" + random.NanpDigits();
            var email = $"{random.Letters(7)}@{random.Letters(6)}.net";
            var keep = new List<string>();
            var inner = $"{{\"{email}\":{{\"{phone}\":\"missed call\"}}}}";
            var json = "{" + Envelope(random, keep) + ",\"payload\":" + Q(inner) + "}";
            yield return new CorpusCase(Name, $"keys in json held in a string #{k}", json, [email, phone], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var email = $"{random.Letters(7)}@{random.Letters(6)}.io";
            var keep = new List<string>();
            var json = "{" + Envelope(random, keep) + $",\"acl\":[{{\"{email}\":\"owner\"}},{{\"{email}\":\"viewer\"}}]}}";
            yield return new CorpusCase(Name, $"email keys in arrays #{k}", json, [email], keep);
        }
    }
}
