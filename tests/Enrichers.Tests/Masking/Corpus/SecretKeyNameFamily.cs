namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Secret-named keys the rules learnt: gateway headers, key material, plurals, numbered names, glued
/// environment names, password hashes by name; as JSON keys, in header maps, in text pairs and nested two levels
/// in strings.</summary>
internal sealed class SecretKeyNameFamily : ICorpusFamily
{
    private static readonly string[] Names =
    [
        "Ocp-Apim-Subscription-Key", "X-Auth-Key", "x-functions-key", "credential", "signing_key", "encryption_key",
        "pass_phrase", "otp", "secrets", "api_keys", "passwords", "password_2", "password2", "db_password2", "password0",
        "passwordHash", "PGPASSWORD", "DB_PASS", "MYSQL_PWD", "clientSecret", "AZURE_OPENAI_API_KEY", "x-amz-security-token",
        "client_assertion", "code_verifier", "tls.key", "X-Hub-Signature-256", "master_key", "webhookSecret", "authToken",
        "session_token", "id_token", "refresh_token", "account_key", "sharedKey",
    ];

    public string Name => "secret-key-name";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        foreach (var name in Names)
        {
            var secret = random.Alphanumeric(10) + random.Password("-._~");
            var keep = $"kept-{random.Letters(6)}";
            var form = random.Next(5);
            yield return form switch
            {
                0 => Case($"{name} as a key", CorpusRecords.Fields($$$"""
                    "request":{"headers":{{{{CorpusValues.Quote(name)}}}:{{{CorpusValues.Quote(secret)}}},"x-request-id":"{{{keep}}}"}}
                    """), [secret], [keep]),
                1 => Case($"{name} in text", CorpusRecords.Message($"config loaded: {name}={secret} region={keep}"), [secret], [$"region={keep}"]),
                2 => Case($"{name} in yaml text", CorpusRecords.Message($"{name}: {secret}\nnote: {keep}"), [secret], [$"note: {keep}"]),
                3 => Case($"{name} in json text", CorpusRecords.JsonInString($"{{{CorpusValues.Quote(name)}:{CorpusValues.Quote(secret)},\"note\":\"{keep}\"}}"), [secret], [keep]),
                _ => Case($"{name} two levels in strings", CorpusRecords.JsonTwiceInString($"{{{CorpusValues.Quote(name)}:{CorpusValues.Quote(secret)},\"note\":\"{keep}\"}}"), [secret], [keep]),
            };

            // The same name in a second form, so every name is seen as a JSON key and in text.
            var other = random.Alphanumeric(12) + random.Password("-._~");
            yield return form == 0
                ? Case($"{name} in json text (2)", CorpusRecords.JsonInString($"{{{CorpusValues.Quote(name)}:{CorpusValues.Quote(other)}}}"), [other], [])
                : Case($"{name} as a key (2)", CorpusRecords.Fields($"{CorpusValues.Quote(name)}:{CorpusValues.Quote(other)},\"level\":\"info\""), [other], ["info"]);
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
