namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Authorization headers and cookies: <c>Digest</c> (every parameter, the user name too), AWS SigV4, OAuth 1,
/// Basic and Bearer in text, every cookie of <c>Cookie</c> and <c>Set-Cookie</c>, in header maps and raw HTTP.</summary>
internal sealed class AuthorizationFamily : ICorpusFamily
{
    public string Name => "authorization";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 5; i++)
        {
            var user = random.Letters(7);
            var nonce = random.Hex(32);
            var response = random.Hex(32);
            var cnonce = random.Hex(16);
            var opaque = random.Hex(24);
            var session = random.Alphanumeric(26);
            var sid = random.Alphanumeric(32);
            var csrf = random.Alphanumeric(24);
            var signature = random.Hex(64);
            var keyId = "AKIA" + random.UpperAlphanumeric(16);
            var bearer = random.Alphanumeric(40);
            var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{random.Alphanumeric(10)}"));

            yield return Case($"digest #{i}", CorpusRecords.Message($"Authorization: Digest username=\"{user}\", realm=\"api@example.com\", nonce=\"{nonce}\", uri=\"/v1/runs\", response=\"{response}\", opaque=\"{opaque}\", qop=auth, nc=00000001, cnonce=\"{cnonce}\"\nHost: api.example.com"),
                [nonce, response, cnonce, opaque, user], ["Authorization: Digest", "Host: api.example.com"]);
            yield return Case($"digest header map #{i}", CorpusRecords.Message($"headers={{'Authorization': 'Digest username=\"{user}\", nonce=\"{nonce}\", response=\"{response}\"', 'Accept': 'application/json'}}"),
                [nonce, response, user], ["'Accept': 'application/json'"]);
            yield return Case($"cookie #{i}", CorpusRecords.Message($"GET /app HTTP/1.1\r\nCookie: _ga=GA1.2.{random.Digits(9)}; PHPSESSID={session}; connect.sid=s%3A{sid}; csrftoken={csrf}\r\nAccept: text/html"),
                [session, sid, csrf], ["Accept: text/html", "GET /app HTTP/1.1"]);
            yield return Case($"set-cookie #{i}", CorpusRecords.Message($"Set-Cookie: JSESSIONID={session}; Path=/; HttpOnly; Secure\nX-Request-Id: req-{i}"), [session], [$"X-Request-Id: req-{i}"]);
            yield return Case($"cookie in header map #{i}", CorpusRecords.Fields($$$$"""
                "http":{"request":{"headers":{"Cookie":"theme=dark; laravel_session={{{{session}}}}","User-Agent":"curl/8.5.0"}}}
                """), [session], ["curl/8.5.0"]);
            yield return Case($"sigv4 #{i}", CorpusRecords.Message($"Authorization: AWS4-HMAC-SHA256 Credential={keyId}/20261207/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}"),
                [signature, keyId], ["AWS4-HMAC-SHA256"]);
            yield return Case($"oauth1 #{i}", CorpusRecords.Message($"Authorization: OAuth oauth_consumer_key=\"{opaque}\", oauth_nonce=\"{nonce}\", oauth_signature=\"{response}\", oauth_version=\"1.0\""),
                [opaque, nonce, response], ["Authorization: OAuth"]);
            yield return Case($"bearer in curl #{i}", CorpusRecords.Message($"curl -H \"Authorization: Bearer {bearer}\" https://api.example.com/v1/models"), [bearer], ["https://api.example.com/v1/models"]);
            yield return Case($"proxy basic #{i}", CorpusRecords.Message($"Proxy-Authorization: Basic {basic}\r\nConnection: keep-alive"), [basic], ["Connection: keep-alive"]);
            yield return Case($"header list #{i}", CorpusRecords.Fields($$"""
                "request":{"headers":[["authorization","Bearer {{bearer}}"],["x-api-key","{{csrf}}"],["accept","application/json"]]}
                """), [bearer, csrf], ["application/json"]);
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
