namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Password hashes anywhere in text (bcrypt, argon2, crypt, PBKDF2, scrypt, Django), in SQL, under neutral
/// keys and inside JSON in strings; dollar amounts and shell variables next to them stay.</summary>
internal sealed class PasswordHashFamily : ICorpusFamily
{
    private const string CryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public string Name => "password-hash";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 4; i++)
        {
            var user = random.Letters(6);
            var hashes = new[]
            {
                $"$2{random.From("aby", 1)}$12${random.From(CryptAlphabet, 53)}",
                $"$argon2id$v=19$m=65536,t=3,p=4${random.Base64(16).TrimEnd('=')}${random.Base64(32).TrimEnd('=')}",
                $"$6$rounds=5000${random.From(CryptAlphabet, 16)}${random.From(CryptAlphabet, 86)}",
                $"$5${random.From(CryptAlphabet, 16)}${random.From(CryptAlphabet, 43)}",
                $"$1${random.From(CryptAlphabet, 8)}${random.From(CryptAlphabet, 22)}",
                $"$pbkdf2-sha256$29000${random.From(CryptAlphabet, 22)}${random.From(CryptAlphabet, 43)}",
                $"pbkdf2_sha256$870000${random.Alphanumeric(22)}${random.Base64(32)}",
                $"$scrypt$ln=16,r=8,p=1${random.Base64(16).TrimEnd('=')}${random.Base64(32).TrimEnd('=')}",
            };
            foreach (var (hash, k) in hashes.Select((h, k) => (h, k)))
            {
                var tail = hash[^20..];
                var form = (k + i) % 4;
                yield return form switch
                {
                    0 => Case($"in text #{i}.{k}", CorpusRecords.Message($"migrated user {user} hash={hash} cost $5.00 HOME=$HOME"), [tail], [$"user {user}", "cost $5.00", "HOME=$HOME"]),
                    1 => Case($"in sql #{i}.{k}", CorpusRecords.Message($"INSERT INTO users (name, pw) VALUES ('{user}', '{hash}');"), [tail], [$"('{user}', '"]),
                    2 => Case($"under a neutral key #{i}.{k}", CorpusRecords.Fields($$"""
                        "row":{"name":"{{user}}","digest_value":{{CorpusValues.Quote(hash)}},"plan":"pro"}
                        """), [tail], ["\"pro\""]),
                    _ => Case($"in json text #{i}.{k}", CorpusRecords.JsonInString($"{{\"user\":\"{user}\",\"passwordHash\":{CorpusValues.Quote(hash)},\"active\":true}}"), [tail], ["\"active\":true"]),
                };
            }
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
