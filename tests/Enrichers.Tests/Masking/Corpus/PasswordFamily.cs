namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Passwords as logs carry them: pairs whose value holds characters that used to end it early, environment
/// assignments, SQL, XML, GraphQL, multipart form fields, prose, command lines, URL user info with a raw <c>#</c> or
/// <c>/</c>, Kubernetes <c>env</c> name/value pairs, header and argument lists, JSON nested in strings.</summary>
internal sealed class PasswordFamily : ICorpusFamily
{
    public string Name => "password";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 5; i++)
        {
            var p = random.Password();
            var plain = random.Password("!%*~^-+");
            var user = random.Letters(6);

            yield return Case($"logfmt #{i}", CorpusRecords.Message($"level=error msg=\"login failed\" user={user} password={p} attempt=3"), [p], ["attempt=3", $"user={user}"]);
            yield return Case($"query string #{i}", CorpusRecords.Message($"POST /login?user={user}&password={p}&next=/home 302"), [p], ["next=/home 302"]);
            yield return Case($"json text #{i}", CorpusRecords.Message($"payload {{\"user\":\"{user}\",\"password\":\"{p}\",\"remember\":true}}"), [p], ["\"remember\":true"]);
            yield return Case($"PGPASSWORD #{i}", CorpusRecords.Message($"exec: PGPASSWORD={p} psql -h db.internal -U app shop"), [p], ["psql -h db.internal -U app shop"]);
            yield return Case($"DB_PASS export #{i}", CorpusRecords.Message($"export DB_PASS={plain}\nexport DB_HOST=db.internal"), [plain], ["DB_HOST=db.internal"]);
            yield return Case($"MYSQL_PWD #{i}", CorpusRecords.Message($"MYSQL_PWD={plain} mysqldump --single-transaction shop"), [plain], ["mysqldump --single-transaction shop"]);
            yield return Case($"numbered env #{i}", CorpusRecords.Message($"DB_PASSWORD2={p} REDIS_PASSWORD={plain} LOG_LEVEL=debug"), [p, plain], ["LOG_LEVEL=debug"]);
            yield return Case($"sql with password #{i}", CorpusRecords.Message($"executing: ALTER USER app_{user} WITH PASSWORD '{p}' VALID UNTIL 'infinity'"), [p], [$"ALTER USER app_{user} WITH PASSWORD", "VALID UNTIL"]);
            yield return Case($"sql identified by #{i}", CorpusRecords.Message($"CREATE USER '{user}'@'%' IDENTIFIED BY '{p}';"), [p], [$"CREATE USER '{user}'"]);
            yield return Case($"sql identified with plugin #{i}", CorpusRecords.Message($"ALTER USER '{user}'@'localhost' IDENTIFIED WITH caching_sha2_password BY '{plain}'"), [plain], ["IDENTIFIED WITH caching_sha2_password BY"]);
            yield return Case($"sql password function #{i}", CorpusRecords.Message($"SET PASSWORD FOR '{user}'@'%' = PASSWORD('{plain}')"), [plain], ["SET PASSWORD FOR"]);
            yield return Case($"xml element #{i}", CorpusRecords.Message($"<Credentials><Username>{user}</Username><Password>{plain}</Password></Credentials>"), [plain], [$"<Username>{user}</Username>"]);
            yield return Case($"xml cdata #{i}", CorpusRecords.Message($"<smtpPassword><![CDATA[{p}]]></smtpPassword><port>587</port>"), [p], ["<port>587</port>"]);
            yield return Case($"graphql variables #{i}", CorpusRecords.JsonInString($"{{\"query\":\"mutation Login($email: String!, $password: String!) {{ login(email: $email, password: $password) {{ token }} }}\",\"variables\":{{\"email\":\"{user}@example.com\",\"password\":\"{p}\"}}}}"), [p], ["mutation Login"]);
            yield return Case($"graphql inline #{i}", CorpusRecords.Message($"mutation {{ login(username: \"{user}\", password: \"{p}\") {{ ok }} }}"), [p], [$"username: \"{user}\""]);
            yield return Case($"multipart form #{i}", CorpusRecords.Message($"--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n{user}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n{p}\r\n--XyZ--"), [p], ["name=\"username\"", "--XyZ--"]);
            yield return Case($"prose #{i}", CorpusRecords.Message($"chat: hi, my password is {plain} please reset it"), [plain], ["please reset it"]);
            yield return Case($"prose set to #{i}", CorpusRecords.Message($"admin note: password was set to {plain} for {user}"), [plain], [$"for {user}"]);
            yield return Case($"mysql -p #{i}", CorpusRecords.Message($"$ mysql -h db.internal -u root -p{plain} shop"), [plain], ["shop", "-h db.internal -u root"]);
            yield return Case($"--password= #{i}", CorpusRecords.Message($"mysqladmin --user=root --password={p} status"), [p], ["--user=root", "status"]);
            yield return Case($"curl -u #{i}", CorpusRecords.Message($"curl -sS -u deploy:{plain} https://ci.example.com/api/v4/jobs"), [plain], ["https://ci.example.com/api/v4/jobs"]);
            yield return Case($"sshpass #{i}", CorpusRecords.Message($"sshpass -p {plain} ssh ops@10.0.0.12 uptime"), [plain], ["uptime"]);
            yield return Case($"url userinfo with # and / #{i}", CorpusRecords.Message($"connecting to postgres://app:{random.Alphanumeric(4)}#{random.Alphanumeric(3)}/{random.Alphanumeric(4)}@db.internal:5432/shop"), [], ["@db.internal:5432/shop"]);
            var hashPass = random.Alphanumeric(4) + "#" + random.Alphanumeric(3) + "/" + random.Alphanumeric(4);
            yield return Case($"url password with # and / #{i}", CorpusRecords.Message($"dsn=postgres://app:{hashPass}@db.internal:5432/shop sslmode=require"), [hashPass], ["db.internal:5432/shop", "sslmode=require"]);
            yield return Case($"kubernetes env #{i}", CorpusRecords.Fields($$"""
                "kind":"Pod","spec":{"containers":[{"name":"api","env":[{"name":"DB_PASSWORD","value":{{CorpusValues.Quote(p)}}},{"name":"LOG_LEVEL","value":"info"},{"name":"OPENAI_API_KEY","value":"{{plain}}"}]}]}
                """), [p, plain], ["\"info\"", "DB_PASSWORD"]);
            yield return Case($"kubernetes env as text #{i}", CorpusRecords.JsonInString($$"""{"env":[{"name":"SMTP_PASSWORD","value":{{CorpusValues.Quote(p)}}},{"name":"SMTP_HOST","value":"mail.internal"}]}"""), [p], ["mail.internal"]);
            yield return Case($"kubernetes env yaml #{i}", CorpusRecords.Message($"env:\n- name: API_TOKEN\n  value: {plain}\n- name: LOG_LEVEL\n  value: debug"), [plain], ["value: debug"]);
            yield return Case($".NET name/value #{i}", CorpusRecords.Fields($$"""
                "settings":[{"Name":"SmtpPassword","Value":{{CorpusValues.Quote(p)}}},{"Name":"SmtpPort","Value":"587"}]
                """), [p], ["\"587\""]);
            yield return Case($"app.config add #{i}", CorpusRecords.Message($"<appSettings><add key=\"DbPassword\" value=\"{plain}\" /><add key=\"Timeout\" value=\"30\" /></appSettings>"), [plain], ["value=\"30\""]);
            yield return Case($"argv list #{i}", CorpusRecords.Fields($$"""
                "process":{"args":["mysql","--host","db.internal","--password",{{CorpusValues.Quote(p)}},"shop"]}
                """), [p], ["\"shop\"", "\"db.internal\""]);
            yield return Case($"nested two levels #{i}", CorpusRecords.JsonTwiceInString($"{{\"user\":\"{user}\",\"password\":\"{p}\",\"mfa\":false}}"), [p], ["\"mfa\":false"]);
            yield return Case($"python dict #{i}", CorpusRecords.Message($"request kwargs={{'username': '{user}', 'password': '{plain}', 'timeout': 30}}"), [plain], ["'timeout': 30"]);
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
