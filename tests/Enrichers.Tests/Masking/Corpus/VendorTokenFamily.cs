using Enrichers.Masking;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Vendor credentials in free text, JSON in strings and query strings: one case per row of
/// <see cref="VendorTokenRules"/>, then the formats with no separator (Databricks, Twilio, Atlassian, AWS secret key
/// next to its key ID, base64-encoded PEM keys of Kubernetes Secrets), signed-URL parts and OAuth codes and tokens.
/// Look-alikes that must stay are in <see cref="SecretDamageFamily"/>.</summary>
internal sealed class VendorTokenFamily : ICorpusFamily
{
    private const string Alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public string Name => "vendor-token";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        var contexts = new Func<string, string>[]
        {
            t => CorpusRecords.Message($"upstream rejected {t} (401), retrying in 20s"),
            t => CorpusRecords.JsonInString($"{{\"detail\":\"invalid credential {t}\",\"status\":401}}"),
            t => CorpusRecords.Message($"GET /v1/hooks?k={t}&page=2 401"),
        };
        var n = 0;
        foreach (var rule in VendorTokenRules.All)
        {
            var body = Body(random, rule);
            var token = rule.Head + rule.Separator + rule.Tail + body;
            var planted = rule.KeepPrefix ? body : token;
            var context = contexts[n++ % contexts.Length];
            var keep = new[] { "retrying in 20s", "\"status\":401", "page=2 401" }.Where(k => context(string.Empty).Contains(k, StringComparison.Ordinal)).ToList();
            yield return Case($"{rule.Id}", context(token), [planted], keep);
        }

        for (var i = 0; i < 3; i++)
        {
            var dapi = "dapi" + random.Hex(32);
            var twilio = "SK" + random.Hex(32);
            var atlassian = "ATATT3xFfGF0" + random.From(Alnum + "-_", 170) + "=" + random.Hex(8).ToUpperInvariant();
            var keyId = "AKIA" + random.UpperAlphanumeric(16);
            var secretKey = random.Alphanumeric(18) + "/" + random.Alphanumeric(10) + "+" + random.Alphanumeric(10);
            var pem = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA{random.Alphanumeric(64)}\n-----END RSA PRIVATE KEY-----\n"));
            var certificate = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE{random.Alphanumeric(40)}\n-----END CERTIFICATE-----\n"));
            var amzSignature = random.Hex(64);
            var securityToken = random.Base64(96).Replace("+", "%2B", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);
            var sas = random.Base64(32).Replace("+", "%2B", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);
            var googSignature = random.Hex(128);
            var code = random.From(Alnum + "-_", 32);
            var refresh = random.From(Alnum + "-_.", 48);
            var assertion = random.From(Alnum + "-_", 60);

            yield return Case($"databricks #{i}", CorpusRecords.Message($"databricks cli configured with {dapi} for workspace adb-{random.Digits(16)}"), [dapi], ["for workspace adb-"]);
            yield return Case($"twilio api key #{i}", CorpusRecords.Message($"twilio client created key_sid={twilio} region=us1"), [twilio], ["region=us1"]);
            yield return Case($"atlassian #{i}", CorpusRecords.Message($"jira auth with {atlassian} failed: 401"), [atlassian[..40]], ["failed: 401"]);
            yield return Case($"aws key pair in text #{i}", CorpusRecords.Message($"loaded credentials {keyId} / {secretKey} from ~/.aws/credentials"), [keyId, secretKey], ["from ~/.aws/credentials"]);
            yield return Case($"aws key pair csv #{i}", CorpusRecords.Message($"User name,Access key ID,Secret access key\nci-bot,{keyId},{secretKey}\n"), [keyId, secretKey], ["ci-bot"]);
            yield return Case($"aws secret under key #{i}", CorpusRecords.Message($"[default]\naws_access_key_id = {keyId}\naws_secret_access_key = {secretKey}\nregion = eu-west-1"), [keyId, secretKey], ["region = eu-west-1"]);
            yield return Case($"k8s secret tls.key #{i}", CorpusRecords.Fields($$"""
                "kind":"Secret","type":"kubernetes.io/tls","data":{"tls.crt":"{{certificate}}","tls.key":"{{pem}}"}
                """), [pem[..40], pem[^30..]], [certificate]);
            yield return Case($"k8s secret in text #{i}", CorpusRecords.Message($"applying secret: data:\n  ssh-privatekey: {pem}\n  known_hosts: Z2l0aHViLmNvbQ=="), [pem[..40]], ["known_hosts: Z2l0aHViLmNvbQ=="]);
            yield return Case($"base64 pem anywhere #{i}", CorpusRecords.Message($"decoded payload {pem} (len {pem.Length})"), [pem[..40], pem[^30..]], [$"(len {pem.Length})"]);
            yield return Case($"s3 presigned #{i}", CorpusRecords.Message($"GET https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={keyId}%2F20261207%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261207T041233Z&X-Amz-Expires=3600&X-Amz-Security-Token={securityToken}&X-Amz-SignedHeaders=host&X-Amz-Signature={amzSignature}"),
                [keyId, amzSignature, securityToken[..30]], ["X-Amz-Expires=3600", "bucket.s3.amazonaws.com/report.csv"]);
            yield return Case($"azure sas #{i}", CorpusRecords.Message($"blob url https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&spr=https&sig={sas}"), [sas], ["sp=rl", "acct.blob.core.windows.net/c/f.txt"]);
            yield return Case($"gcs signed #{i}", CorpusRecords.Message($"https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature={googSignature}"), [googSignature], ["X-Goog-Expires=900"]);
            yield return Case($"oauth code #{i}", CorpusRecords.Message($"GET /oauth/callback?code={code}&state=xyz{i} 302"), [code], [$"state=xyz{i} 302"]);
            yield return Case($"oauth token form #{i}", CorpusRecords.Message($"POST /token body=grant_type=refresh_token&refresh_token={refresh}&client_id=web-{i}"), [refresh], [$"client_id=web-{i}", "grant_type=refresh_token"]);
            yield return Case($"client assertion #{i}", CorpusRecords.JsonInString($"{{\"client_assertion_type\":\"urn:ietf:params:oauth:client-assertion-type:jwt-bearer\",\"client_assertion\":\"{assertion}\"}}"), [assertion], ["jwt-bearer"]);
        }
    }

    private static string Body(Random random, VendorTokenRule rule)
    {
        var length = Math.Max(rule.MinLength, Math.Min(rule.MaxLength, rule.MinLength + random.Next(0, 12)));
        return rule.Id switch
        {
            "sendgrid" => random.From(Alnum + "-_", 22) + "." + random.From(Alnum + "-_", 43),
            "slack-webhook" => $"T{random.UpperAlphanumeric(8)}/B{random.UpperAlphanumeric(10)}/{random.Alphanumeric(24)}",
            "discord-webhook" or "discordapp-webhook" => $"{random.Digits(18)}/{random.From(Alnum + "-_", 68)}",
            _ when rule.Crc32 => CrcBody(random),
            _ => rule.Body switch
            {
                TokenBody.Hex => random.Hex(length),
                TokenBody.Word => random.From(Alnum + "_", length),
                TokenBody.Base64Url => random.From(Alnum + "-_", length),
                TokenBody.Dotted => random.From(Alnum + "-_", length),
                _ => random.From(Alnum, length),
            },
        };
    }

    /// <summary>30 random characters and their CRC-32 in base 62, as GitHub and npm tokens end.</summary>
    private static string CrcBody(Random random)
    {
        var entropy = random.From(Alnum, 30);
        var crc = Crc32(entropy);
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var check = new char[6];
        for (var k = 5; k >= 0; k--)
        {
            check[k] = digits[(int)(crc % 62)];
            crc /= 62;
        }

        return entropy + new string(check);
    }

    // Bitwise CRC-32 (IEEE, reflected), written independently of the masker's table-driven one.
    private static uint Crc32(string text)
    {
        var crc = uint.MaxValue;
        foreach (var c in text)
        {
            crc ^= c;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
            }
        }

        return ~crc;
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
