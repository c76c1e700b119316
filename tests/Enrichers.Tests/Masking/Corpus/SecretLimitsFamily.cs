namespace Enrichers.Tests.Masking.Corpus;

/// <summary>The known limits of the first secret detectors, closed: booleans, nulls and test results under
/// secret-looking keys and signal names under <c>sig</c> (must stay), <c>IDENTIFIED BY</c> with double quotes and
/// backquotes, XML elements with attributes, multipart fields with their own <c>Content-Type</c>, URL passwords
/// holding <c>@</c> and <c>/</c> or starting with digits and <c>/</c>, and the ports and paths that must not be taken
/// for them.</summary>
internal sealed class SecretLimitsFamily : ICorpusFamily
{
    public string Name => "secret-limits";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 5; i++)
        {
            var p = random.Password("!%*~^-+");
            var user = random.Letters(6);
            var n = random.Next(100, 9000);

            yield return Case($"test results and flags #{i}", CorpusRecords.Fields($$"""
                "ci":{"tests_pass":true,"test_pass":false,"all_pass":true,"bypass":"cache","compass":"north-{{n}}"},"auth":{"password":null,"pwd":false,"remember_password":true}
                """), [], ["\"tests_pass\":true", "\"test_pass\":false", "\"all_pass\":true", "\"bypass\":\"cache\"", $"north-{n}", "\"password\":null", "\"pwd\":false", "\"remember_password\":true"]);
            yield return Case($"flags in text #{i}", CorpusRecords.Message($"summary tests_pass=true test_pass: false password=null use_password=True failures={n}"),
                [], ["tests_pass=true", "test_pass: false", "password=null", "use_password=True", $"failures={n}"]);
            yield return Case($"signal names #{i}", CorpusRecords.Fields($$"""
                "process":{"sig":"SIGTERM","exit_sig":"SIGRTMIN+3","signal":"SIGKILL"},"message":"worker {{n}} got sig=SIGINT, draining"
                """), [], ["\"SIGTERM\"", "\"SIGRTMIN+3\"", "\"SIGKILL\"", "sig=SIGINT"]);
            var sas = random.Base64(32).Replace("+", "%2B", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);
            yield return Case($"azure sas sig #{i}", CorpusRecords.Message($"GET https://acct{n}.blob.core.windows.net/c/b.bin?sv=2022-11-02&se=2026-12-08&sp=r&sig={sas} 200"), [sas], ["sv=2022-11-02", "sp=r"]);
            yield return Case($"identified by double quotes #{i}", CorpusRecords.Message($"CREATE USER {user} IDENTIFIED BY \"{p}\"; GRANT SELECT ON shop.* TO {user};"), [p], [$"CREATE USER {user} IDENTIFIED BY", "GRANT SELECT"]);
            yield return Case($"identified by backquotes #{i}", CorpusRecords.Message($"ALTER USER `{user}`@`%` IDENTIFIED BY `{p}`"), [p], [$"`{user}`@`%`"]);
            yield return Case($"xml element with attributes #{i}", CorpusRecords.Message($"<connection><User>{user}</User><Password encrypted=\"false\">{p}</Password><Port>5432</Port></connection>"),
                [p], [$"<User>{user}</User>", "encrypted=\"false\"", "<Port>5432</Port>"]);
            yield return Case($"xml namespaced element with attributes #{i}", CorpusRecords.Message($"<wsse:Password Type=\"#PasswordText\">{p}</wsse:Password><wsse:Nonce>n{n}</wsse:Nonce>"), [p], ["Type=\"#PasswordText\""]);
            yield return Case($".NET config add #{i}", CorpusRecords.Message($"<appSettings><add key=\"ApiKey\" value=\"{p}\"/><add key=\"Retries\" value=\"{n}\"/></appSettings>"), [p], [$"value=\"{n}\""]);
            yield return Case($"multipart with content type #{i}", CorpusRecords.Message($"--b{n}\r\nContent-Disposition: form-data; name=\"password\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{p}\r\n--b{n}--"),
                [p], ["Content-Type: text/plain; charset=utf-8", $"--b{n}--"]);
            var atSlash = random.Alphanumeric(4) + "@" + random.Alphanumeric(3) + "/" + random.Alphanumeric(4);
            yield return Case($"url password with @ and / #{i}", CorpusRecords.Message($"dsn=postgres://app:{atSlash}@db.internal:5432/shop sslmode=require"), [atSlash], ["@db.internal:5432/shop", "sslmode=require"]);
            var digits = random.Digits(3) + "/" + random.Alphanumeric(6);
            yield return Case($"url password of digits and / #{i}", CorpusRecords.Message($"redis://default:{digits}@cache.internal:6379/0 connected"), [digits], ["@cache.internal:6379/0"]);
            yield return Case($"ports and paths with @ #{i}", CorpusRecords.Message($"GET https://api.example.com:{n}/users/@me; npm https://registry.internal:443/@scope/pkg; https://host:8080/a@b"),
                [], [$"https://api.example.com:{n}/users/@me", "https://registry.internal:443/@scope/pkg", "https://host:8080/a@b"]);
            yield return Case($"self-closed element and quoted words #{i}", CorpusRecords.Message($"<Password/> missing for {user}; said \"hi\" by \"{user}\""), [], ["<Password/> missing", $"by \"{user}\""]);
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
