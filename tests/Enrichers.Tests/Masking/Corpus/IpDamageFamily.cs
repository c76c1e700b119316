using static Enrichers.Tests.Masking.Corpus.PiiCorpus;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Four-part versions that look like IPv4 addresses and must stay (user agents, build numbers, .NET
/// assembly names, version words), next to real public addresses in the same record that must be masked.</summary>
internal sealed class IpDamageFamily : ICorpusFamily
{
    public string Name => "ip-damage";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var versions = new Func<string, string>[]
        {
            v => $"agent/{v}",
            v => $"Mozilla/5.0 (Windows NT 10.0) SmmAgent/{v} (+https://example.com/bot)",
            v => $"System.Runtime, Version={v}, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a",
            v => $"client version {v} rejected",
            v => $"build {v} deployed",
            v => $"firmware ver: v{v}",
        };

        for (var k = 0; k < versions.Length * 3; k++)
        {
            var version = $"{random.Next(1, 30)}.{random.Next(0, 30)}.{random.Next(0, 30)}.{random.Next(1, 999)}";
            var text = versions[k % versions.Length](version);
            var ip = random.PublicIPv4();
            // PublicKeyToken= is the credentials half's concern; this family keeps the version part.
            var keep = new List<string> { text.Split(", PublicKeyToken", 2)[0] };
            var json = "{" + Envelope(random, keep) + ",\"message\":" + Q($"{text} from {ip}") + "}";
            yield return new CorpusCase(Name, text, json, [ip], keep);
        }

        foreach (var key in new[] { "build", "app_version", "agentVersion", "client.version" })
        {
            var version = $"{random.Next(1, 30)}.{random.Next(0, 30)}.{random.Next(0, 30)}.{random.Next(1, 999)}";
            var ip = random.PublicIPv4();
            var keep = new List<string> { version };
            var json = "{" + Envelope(random, keep) + $",\"{key}\":\"{version}\",\"client_ip\":\"{ip}\"}}";
            yield return new CorpusCase(Name, $"version under {key}", json, [ip], keep);
        }

        for (var k = 0; k < 4; k++)
        {
            var ip = random.PublicIPv4();
            var keep = new List<string>();
            var text = k % 2 == 0 ? $"GET /geo/{ip}/lookup 200" : $"proxy http://{ip}/healthz timed out";
            var json = "{" + Envelope(random, keep) + ",\"message\":" + Q(text) + "}";
            yield return new CorpusCase(Name, $"addresses after a slash stay masked #{k}", json, [ip], keep);
        }
    }
}
