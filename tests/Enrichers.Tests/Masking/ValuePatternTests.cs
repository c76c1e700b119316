using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class ValuePatternTests
{
    [Theory]
    [InlineData("contact jane.doe@example.com now", "contact [email] now")]
    [InlineData("<Jane.Doe+billing@mail.example.co.uk>", "<[email]>")]
    [InlineData("mailto:ops_team-1@acme.io,", "mailto:[email],")]
    [InlineData("Kontakt: jürgen@example.de, danke", "Kontakt: [email], danke")]
    [InlineData("日本語のテキスト renée.a1f@contoso.org です", "日本語のテキスト [email] です")]
    [InlineData("a@b.com", "[email]")]
    [InlineData("GET /users/jane.doe%40example.com/profile", "GET /users/[email]/profile")]
    [InlineData("?email=jane%40example.com&x=1", "?email=[email]&x=1")]
    public void Email_addresses_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("@timestamp")]
    [InlineData("save 50%40 off")]
    [InlineData("user@localhost")]
    [InlineData("npm i @scope/pkg@1.2.3")]
    [InlineData("x@y.c1")]
    public void At_signs_that_are_not_email_addresses_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("GET /assets/icon@2x.png 200")]
    [InlineData("loaded logo@3x.jpg")]
    [InlineData("sprite@1.5x.webp, banner@2X.JPEG")]
    [InlineData("img/avatar@4x.svg")]
    [InlineData("GET /static/icon%402x.png")]
    public void Image_file_names_with_a_pixel_density_suffix_are_not_email_addresses(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("from ops@example.png.com", "from [email]")]
    [InlineData("a@b.io", "[email]")]
    [InlineData("to ops@2x.png.com", "to [email]")]
    [InlineData("to ops@2x.io", "to [email]")]
    [InlineData("to ops@x2.png", "to [email]")]
    [InlineData("to ops@2xl.png", "to [email]")]
    [InlineData("to ops@img.2x.png", "to [email]")]
    public void Addresses_that_only_resemble_image_file_names_are_still_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("call +1 415-555-0132 today", "call [phone] today")]
    [InlineData("call +14155550132.", "call [phone].")]
    [InlineData("tel (415) 555-0132", "tel [phone]")]
    [InlineData("tel (415)555-0132", "tel [phone]")]
    [InlineData("phone 415-555-0132", "phone [phone]")]
    [InlineData("phone 415.555.0132", "phone [phone]")]
    [InlineData("phone 415 555 0132", "phone [phone]")]
    [InlineData("phone 1-800-555-0199", "phone [phone]")]
    [InlineData("uk +44 20 7946 0958, fr +33 1 23 45 67 89", "uk [phone], fr [phone]")]
    [InlineData("de +49 (0)30 1234567", "de [phone]")]
    public void Phone_numbers_written_as_phone_numbers_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("order 4155550132 shipped")]
    [InlineData("offset +05:30")]
    [InlineData("retry in +120 ms")]
    [InlineData("id 415-555-01322")]
    [InlineData("range 415-555-0132-7")]
    [InlineData("v415.555.0132")]
    [InlineData("ticket #123456")]
    [InlineData("2026-11-26T22:33:08.123+01:00")]
    public void Bare_digit_runs_and_other_numbers_are_not_phones(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("card 4111111111111111 ok", "card [card] ok")]
    [InlineData("card 4111 1111 1111 1111", "card [card]")]
    [InlineData("card 4111-1111-1111-1111.", "card [card].")]
    [InlineData("amex 3782 822463 10005", "amex [card]")]
    [InlineData("amex 378282246310005", "amex [card]")]
    [InlineData("mc 5555555555554444/visa 4012888888881881", "mc [card]/visa [card]")]
    [InlineData("card 4111 1111 1111 1111 exp 2027", "card [card] exp 2027")]
    [InlineData("pan=6011111111111117", "pan=[card]")]
    public void Card_numbers_that_pass_luhn_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("order 4111111111111112 shipped")]
    [InlineData("order 4111 1111 1111 1112")]
    [InlineData("ts 1732659188123")]
    [InlineData("ns 1732659188123456789")]
    [InlineData("41111111111111111111")]
    [InlineData("ORD-2026-000123456")]
    [InlineData("a4111111111111111")]
    [InlineData("sha 4111111111111111ab")]
    public void Digit_strings_that_fail_luhn_or_are_not_cards_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("ssn 123-45-6789.", "ssn [ssn].")]
    [InlineData("[666-12-3456]", "[[ssn]]")]
    public void Social_security_numbers_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("123-45-67890")]
    [InlineData("9123-45-6789")]
    [InlineData("2026-11-26")]
    [InlineData("ab123-45-6789")]
    public void Ssn_look_alikes_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("IBAN DE89370400440532013000 paid", "IBAN [iban] paid")]
    [InlineData("IBAN GB82 WEST 1234 5698 7654 32.", "IBAN [iban].")]
    [InlineData("GB82 WEST 1234 5698 7654 32 EUR", "[iban] EUR")]
    [InlineData("NO9386011117947", "[iban]")]
    [InlineData("BE68539007547034 AD1200012030200359100100", "[iban] [iban]")]
    [InlineData("to:GB82WEST12345698765432", "to:[iban]")]
    public void Ibans_that_pass_mod_97_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("IBAN DE89370400440532013001")]
    [InlineData("GB82 WEST 1234 5698 7654 33")]
    [InlineData("XDE89370400440532013000")]
    [InlineData("DE89")]
    public void Ibans_with_a_bad_checksum_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Fact]
    public void Jwts_are_masked_whole()
    {
        const string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        Assert.Equal("token [jwt] expired", Masker.Text($"token {jwt} expired"));
        Assert.Equal("[jwt]", Masker.Text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
    }

    [Theory]
    [InlineData("Authorization=Bearer abcDEF123456.xyz-_~+/=", "Authorization=Bearer [redacted]")]
    [InlineData("header Bearer abcDEF123456.xyz-_~+/=", "header Bearer [token]")]
    [InlineData("bearer 9f86d081884c7d659a2feaa0c55ad015", "bearer [token]")]
    [InlineData("BEARER  eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig", "BEARER  [token]")]
    [InlineData("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [redacted]")]
    [InlineData("authorization: bearer abc", "authorization: bearer [redacted]")]
    [InlineData("sent Basic dXNlcjpwYXNzd29yZA==", "sent Basic [token]")]
    public void Bearer_tokens_are_masked_and_the_scheme_stays(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("Bearer authentication failed")]
    [InlineData("the bearer of this letter")]
    [InlineData("Bearer abc")]
    [InlineData("basic authentication failed")]
    public void The_word_bearer_without_a_token_survives(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f")]
    [InlineData("key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("key sk-abcdefghijklmnopqrstuvwxyz0123")]
    [InlineData("key AKIAIOSFODNN7EXAMPLE")]
    [InlineData("key ASIAY34FZKBOKMUTVV7A")]
    [InlineData("key ghp_1234567890abcdefghijABCDEFGHIJ123456")]
    [InlineData("key gho_1234567890abcdefghijABCDEFGHIJ123456")]
    [InlineData("key github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")]
    [InlineData("key xoxb-12345678901-AbCdEfGhIjKlMnOpQrStUvWx")]
    [InlineData("key xoxp-1234-5678-abcdefghij")]
    [InlineData("key AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v")]
    [InlineData("key sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    public void Well_known_key_shapes_are_masked(string text) =>
        Assert.Equal("key [api_key]", Masker.Text(text));

    [Theory]
    [InlineData("task-scheduler-controller-manager-42")]
    [InlineData("sk-short")]
    [InlineData("AKIA1234")]
    [InlineData("XAKIAIOSFODNN7EXAMPLE")]
    [InlineData("ghp_short")]
    [InlineData("xoxb-123")]
    [InlineData("disk-usage-monitor-for-the-cluster")]
    public void Key_look_alikes_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Fact]
    public void A_pem_private_key_block_is_masked_and_the_text_around_it_stays()
    {
        var text = "loaded key -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\nabc+/=\n-----END RSA PRIVATE KEY----- from vault";
        Assert.Equal("loaded key [private_key] from vault", Masker.Text(text));
    }

    [Fact]
    public void A_truncated_pem_block_is_masked_to_the_end()
    {
        Assert.Equal("key: [private_key]", Masker.Text("key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
    }

    [Fact]
    public void A_pem_certificate_is_public_and_survives()
    {
        var text = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        Assert.Equal(text, Masker.Text(text));
    }

    [Fact]
    public void A_pem_block_spanning_escaped_newlines_in_the_raw_json_is_masked()
    {
        var output = Masker.Json("{\"k\":\"x -----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIB\\n-----END EC PRIVATE KEY-----\\n y\"}");
        Assert.Equal("{\"k\":\"x [private_key]\\n y\"}", output);
    }

    [Theory]
    [InlineData("dsn postgres://billing:s3cr3t@db-1.internal:5432/smm", "dsn postgres://billing:[password]@db-1.internal:5432/smm")]
    [InlineData("redis://:p@ss:w0rd@cache:6379", "redis://:[password]@cache:6379")]
    [InlineData("https://user:pw@example.com/path?q=1", "https://user:[password]@example.com/path?q=1")]
    public void Passwords_in_urls_are_masked_and_the_rest_of_the_url_stays(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("https://example.com/users/@me")]
    [InlineData("https://hooks.acme.io/smm?id=0a1b2c")]
    public void Urls_without_credentials_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("GET /cb?code=1&token=abc123XYZ&state=9", "GET /cb?code=1&token=[redacted]&state=9")]
    [InlineData("login password=hunter2 user=bob", "login password=[redacted] user=bob")]
    [InlineData("db.password='p w'", "db.password='[redacted]'")]
    [InlineData("login failed, password: hunter2 (user bob)", "login failed, password: [redacted] (user bob)")]
    [InlineData("body {\"user\":\"bob\",\"password\":\"hun ter2\",\"n\":1}", "body {\"user\":\"bob\",\"password\":\"[redacted]\",\"n\":1}")]
    [InlineData("{'api_key': 'abc123', 'retries': 3}", "{'api_key': '[redacted]', 'retries': 3}")]
    [InlineData("{\"token\": 123456}", "{\"token\":\"[redacted]\"}")]
    public void Secret_key_value_pairs_in_text_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("password: correct horse", "password: [redacted]")]
    [InlineData("login failed password=correct horse battery staple", "login failed password=[redacted]")]
    [InlineData("password: correct horse, retrying", "password: [redacted], retrying")]
    [InlineData("password=correct horse; user=bob", "password=[redacted]; user=bob")]
    [InlineData("?password=a b&next=1", "?password=[redacted]&next=1")]
    [InlineData("password: correct horse user=bob", "password: [redacted] user=bob")]
    [InlineData("password: correct horse user: bob", "password: [redacted] user: bob")]
    [InlineData("password: \"correct horse\" accepted", "password: \"[redacted]\" accepted")]
    [InlineData("password: correct horse\tnext", "password: [redacted]\tnext")]
    [InlineData("Authorization: Bearer abc def, ok", "Authorization: Bearer [redacted], ok")]
    public void An_unquoted_secret_in_text_is_masked_up_to_the_end_of_its_clause(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Fact]
    public void A_secret_with_spaces_masked_once_is_not_changed_by_masking_again()
    {
        var once = Masker.Text("password: correct horse battery");
        Assert.Equal(once, Masker.Text(once));
    }

    [Theory]
    [InlineData("token_count=512 max_tokens=100")]
    [InlineData("password_policy=strict")]
    [InlineData("token_count: 5, Error: connection refused at 12:30")]
    [InlineData("{\"tokens\": 512, \"model\": \"gpt-4o\"}")]
    [InlineData("password\": \"x")]
    public void Key_value_pairs_with_other_keys_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));
}
