namespace Enrichers.Tests.Masking;

/// <summary>Issue 21, secrets: where a secret's value ends, the forms that name a secret without a secret key, and
/// the look-alikes that stay. The corpus (<c>Corpus/</c>) plants these in realistic records; these rows pin the
/// exact output.</summary>
public class SecretFormTests
{
    [Theory]
    [InlineData("password=abc>35Vkn", "password=[redacted]")]
    [InlineData("Password=x,3tiE;Server=db", "Password=[redacted];Server=db")]
    [InlineData("login with pwd=abc,user=bob", "login with pwd=[redacted],user=bob")]
    [InlineData("(password=abc) done", "(password=[redacted]) done")]
    [InlineData("<td>password=abc</td>", "<td>password=[redacted]</td>")]
    [InlineData("Data Source=db;Password = p,w> ;Pooling=true", "Data Source=db;Password = [redacted] ;Pooling=true")]
    [InlineData("Server=db;Password=\"a;\"\"b\";X=1", "Server=db;Password=\"[redacted]\";X=1")]
    [InlineData("Server=db;PWD={a;b}}c};X=1", "Server=db;PWD=[redacted];X=1")]
    [InlineData("PGPASSWORD=s3cr3t psql -h db", "PGPASSWORD=[redacted] psql -h db")]
    [InlineData("mysqladmin --password=s3cr3t status", "mysqladmin --password=[redacted] status")]
    [InlineData("['password' => 's3cr3t', 'user' => 'bob']", "['password' => '[redacted]', 'user' => 'bob']")]
    [InlineData("password := \"s3cr3t\"", "password := \"[redacted]\"")]
    public void A_secret_value_is_masked_to_the_end_its_syntax_gives_it(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("ALTER USER app WITH PASSWORD 'p w' VALID UNTIL 'x'", "ALTER USER app WITH PASSWORD '[redacted]' VALID UNTIL 'x'")]
    [InlineData("CREATE USER 'a'@'%' IDENTIFIED BY 's3cr3t';", "CREATE USER 'a'@'%' IDENTIFIED BY '[redacted]';")]
    [InlineData("SET PASSWORD FOR 'a'@'%' = PASSWORD('s3cr3t')", "SET PASSWORD FOR 'a'@'%' = PASSWORD('[redacted]')")]
    [InlineData("my password is hunter2 ok", "my password is [redacted] ok")]
    [InlineData("password was set to hunter2 for bob", "password was set to [redacted] for bob")]
    [InlineData("<Password>s3cr3t</Password><User>bob</User>", "<Password>[redacted]</Password><User>bob</User>")]
    [InlineData("mysql -u root -ps3cr3t shop", "mysql -u root -p[redacted] shop")]
    [InlineData("curl -u deploy:s3cr3t https://ci", "curl -u deploy:[redacted] https://ci")]
    [InlineData("form-data; name=\"password\"\r\n\r\ns3cr3t\r\n--b", "form-data; name=\"password\"\r\n\r\n[redacted]\r\n--b")]
    [InlineData("- name: DB_PASSWORD\n  value: s3cr3t\n- name: PORT\n  value: 80", "- name: DB_PASSWORD\n  value: [redacted]\n- name: PORT\n  value: 80")]
    [InlineData("postgres://app:pa#ss/wd@db:5432/x", "postgres://app:[password]@db:5432/x")]
    [InlineData("CREATE USER bob IDENTIFIED BY \"s3cr3t\";", "CREATE USER bob IDENTIFIED BY \"[redacted]\";")]
    [InlineData("CREATE USER `bob`@`%` IDENTIFIED BY `s3cr3t`;", "CREATE USER `bob`@`%` IDENTIFIED BY `[redacted]`;")]
    [InlineData("<Password encrypted=\"false\">s3cr3t</Password><User>bob</User>", "<Password encrypted=\"false\">[redacted]</Password><User>bob</User>")]
    [InlineData("<ns:ApiKey xmlns:ns=\"urn:x\" >abc</ns:ApiKey>", "<ns:ApiKey xmlns:ns=\"urn:x\" >[redacted]</ns:ApiKey>")]
    [InlineData("<add key=\"ApiKey\" value=\"abc123def\"/>", "<add key=\"ApiKey\" value=\"[redacted]\"/>")]
    [InlineData("form-data; name=\"password\"\r\nContent-Type: text/plain\r\n\r\ns3cr3t\r\n--b", "form-data; name=\"password\"\r\nContent-Type: text/plain\r\n\r\n[redacted]\r\n--b")]
    [InlineData("postgres://app:p@ss/w0rd@db:5432/x", "postgres://app:[password]@db:5432/x")]
    [InlineData("postgres://app:123/abc@db:5432/x", "postgres://app:[password]@db:5432/x")]
    [InlineData("redis://:1234567/ab@cache/0", "redis://:[password]@cache/0")]
    [InlineData("GET https://a.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=abcDEF123%2Bxyz%3D", "GET https://a.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=[redacted]")]
    public void Secrets_named_by_words_sql_xml_forms_and_command_lines_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("tests_pass=true password: null sig=SIGTERM pass=None")]
    [InlineData("<Password/>tail <td class=\"x\">ok</td> said \"hi\" by \"bob\"")]
    [InlineData("https://host:8080/a@b and https://registry:443/@scope/pkg")]
    [InlineData("form-data; name=\"password\"\r\nnot a header\r\n\r\nvisible")]
    public void Literals_signals_self_closed_elements_quotes_and_ports_stay(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("Authorization: Digest username=\"bob\", nonce=\"abc\", response=\"def\"\nHost: x", "Authorization: Digest [redacted]\nHost: x")]
    [InlineData("Cookie: a=1; PHPSESSID=abc; connect.sid=s%3Adef\r\nAccept: */*", "Cookie: [redacted]\r\nAccept: */*")]
    [InlineData("Authorization: Bearer abc def, ok", "Authorization: Bearer [redacted], ok")]
    public void Authorization_credentials_and_every_cookie_go(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("use hf_abcdefghijklmnopqrstuvwxyz0123456789 now")]
    [InlineData("use gsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN now")]
    [InlineData("use glpat-abcdefghijklmnopqrst now")]
    [InlineData("use SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG now")]
    [InlineData("use dckr_pat_abcdefghijklmnopqrstuvwxyz now")]
    [InlineData("use dapi0123456789abcdef0123456789abcdef now")]
    [InlineData("use SK0123456789abcdef0123456789abcdef now")]
    [InlineData("use key-0123456789abcdef0123456789abcdef now")]
    public void Vendor_tokens_are_masked_by_their_prefix(string text) =>
        Assert.Equal("use [api_key] now", Masker.Text(text));

    [Fact]
    public void A_github_token_glued_to_other_text_is_masked_when_its_checksum_verifies()
    {
        Assert.Equal("token[api_key]", Masker.Text("token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"));
        Assert.Equal("tokenghp_Zp3QmX7vLk2RtY8uWn4HcB6sJd1FgA4Mhjly", Masker.Text("tokenghp_Zp3QmX7vLk2RtY8uWn4HcB6sJd1FgA4Mhjly"));
    }

    [Fact]
    public void An_aws_secret_key_next_to_its_key_id_is_masked_and_the_text_between_is_scanned()
    {
        Assert.Equal("keys [api_key] for [email]: [api_key] ok",
            Masker.Text("keys AKIAIOSFODNN7EXAMPLE for ops@example.com: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok"));
    }

    [Theory]
    [InlineData("{\"name\":\"DB_PASSWORD\",\"value\":\"x\"}", "{\"name\":\"DB_PASSWORD\",\"value\":\"[redacted]\"}")]
    [InlineData("{\"Value\":\"x\",\"Name\":\"ApiKey\"}", "{\"Value\":\"[redacted]\",\"Name\":\"ApiKey\"}")]
    [InlineData("{\"name\":\"PORT\",\"value\":\"80\"}", "{\"name\":\"PORT\",\"value\":\"80\"}")]
    [InlineData("{\"h\":[[\"x-api-key\",\"k\"],[\"accept\",\"json\"]]}", "{\"h\":[[\"x-api-key\",\"[redacted]\"],[\"accept\",\"json\"]]}")]
    [InlineData("{\"args\":[\"--token\",\"t\",\"--verbose\",\"token\"]}", "{\"args\":[\"--token\",\"[redacted]\",\"--verbose\",\"token\"]}")]
    [InlineData("{\"redact\":[\"password\",\"token\",\"secret\"]}", "{\"redact\":[\"password\",\"token\",\"secret\"]}")]
    public void Name_value_pairs_and_lists_mask_the_value_a_secret_name_names(string json, string expected) =>
        Assert.Equal(expected, Masker.Json(json));

    [Theory]
    [InlineData("password_2")]
    [InlineData("password2")]
    [InlineData("db_password2")]
    [InlineData("password0")]
    [InlineData("PGPASSWORD")]
    [InlineData("DB_PASS")]
    [InlineData("MYSQL_PWD")]
    [InlineData("clientsecret")]
    [InlineData("passwordHash")]
    [InlineData("Ocp-Apim-Subscription-Key")]
    [InlineData("X-Hub-Signature-256")]
    [InlineData("api_keys")]
    [InlineData("tls.key")]
    public void New_secret_key_names_are_redacted(string key) =>
        Assert.Equal($"{{\"{key}\":\"[redacted]\"}}", Masker.Json($"{{\"{key}\":\"v\"}}"));

    [Theory]
    [InlineData("eos_token", "</s>")]
    [InlineData("pad_token", "<pad>")]
    [InlineData("PublicKeyToken", "b77a5c561934e089")]
    [InlineData("function_signature", "def f(x)")]
    [InlineData("first_pass", "ok")]
    [InlineData("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")]
    public void Names_that_end_with_a_secret_word_but_hold_none_stay(string key, string value)
    {
        var json = $"{{\"{key}\":\"{value}\"}}";
        Assert.Equal(json, Masker.Json(json));
    }

    [Theory]
    [InlineData("Could not load 'Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed'")]
    [InlineData("the password is incorrect and password was reset")]
    [InlineData("GET https://api.example.com:8443/users/@me 200")]
    [InlineData("budget $500.00, echo $HOME")]
    [InlineData("pip install hf_transfer; model pplx-7b-online; key-value store")]
    [InlineData("GET /cb?code=200&state=ok")]
    public void Text_that_only_resembles_a_secret_stays(string text) =>
        Assert.Equal(text, Masker.Text(text));
}
