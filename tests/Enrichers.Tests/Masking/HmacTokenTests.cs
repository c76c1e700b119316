using System.Text.RegularExpressions;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class HmacTokenTests
{
    private const string KeyA = "test-key-A-0123456789abcdef";
    private const string KeyB = "test-key-B-0123456789abcdef";

    private static MaskingOptions WithKey(string key) => new() { HmacKey = key };

    [Fact]
    public void With_a_key_each_type_gets_a_keyed_token_of_sixteen_hex_characters()
    {
        var output = Masker.Text("jane@example.com +1 415-555-0132 4111111111111111 Bearer abcdefgh12345678 password=x", WithKey(KeyA));

        Assert.Matches(
            new Regex("^\\[email:[0-9a-f]{16}\\] \\[phone:[0-9a-f]{16}\\] \\[card:[0-9a-f]{16}\\] Bearer \\[bearer:[0-9a-f]{16}\\] password=\\[key:[0-9a-f]{16}\\]$"),
            output);
    }

    [Fact]
    public void The_same_value_gets_the_same_token_and_spellings_of_it_too()
    {
        var masker = new Masker(WithKey(KeyA));
        var a = masker.MaskValue("jane@example.com");
        Assert.Equal(a, masker.MaskValue("Jane@Example.COM"));
        Assert.Equal(a, new Masker(WithKey(KeyA)).MaskValue("jane@example.com"));
        Assert.Equal(masker.MaskValue("4111 1111 1111 1111"), masker.MaskValue("4111-1111-1111-1111"));
        Assert.NotEqual(a, masker.MaskValue("john@example.com"));
    }

    [Fact]
    public void Raw_and_escaped_spellings_of_a_value_get_the_same_token()
    {
        var masker = new Masker(WithKey(KeyA));
        var raw = masker.Mask("{\"m\":\"mail jane@example.com\"}");
        var escaped = masker.Mask("{\"m\":\"mail jane\\u0040example.com\"}");
        Assert.StartsWith("{\"m\":\"mail [email:", raw, StringComparison.Ordinal);
        Assert.Equal(raw, escaped);
    }

    [Fact]
    public void Tokens_differ_between_keys_and_between_types()
    {
        var a = Masker.Text("jane@example.com", WithKey(KeyA));
        var b = Masker.Text("jane@example.com", WithKey(KeyB));
        Assert.NotEqual(a, b);

        var key = new Masker(WithKey(KeyA));
        var asKey = key.Mask("{\"password\":\"123-45-6789\"}");
        var asSsn = key.Mask("{\"v\":\"123-45-6789\"}");
        Assert.NotEqual(asKey[12..^2], asSsn[6..^2].Replace("ssn", "key", StringComparison.Ordinal));
    }

    [Fact]
    public void The_token_is_the_truncated_hmac_of_type_and_value_not_a_plain_hash()
    {
        var expected = Convert.ToHexStringLower(
            System.Security.Cryptography.HMACSHA256.HashData("test-key-A-0123456789abcdef"u8, "email:jane@example.com"u8))[..16];
        var unkeyed = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("email:jane@example.com"u8))[..16];

        var output = Masker.Text("jane@example.com", WithKey(KeyA));

        Assert.Equal($"[email:{expected}]", output);
        Assert.DoesNotContain(unkeyed, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Whole_values_of_secret_keys_are_tokenized_from_their_json_text()
    {
        var masker = new Masker(WithKey(KeyA));
        var a = masker.Mask("{\"token\":{\"a\":1}}");
        var b = masker.Mask("{\"token\":{\"a\":2}}");
        Assert.StartsWith("{\"token\":\"[key:", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.Equal(a, masker.Mask("{\"token\":{\"a\":1}}"));
    }

    [Fact]
    public void The_token_length_is_configurable()
    {
        var output = Masker.Text("jane@example.com", new MaskingOptions { HmacKey = KeyA, HmacTokenLength = 32 });
        Assert.Matches(new Regex("^\\[email:[0-9a-f]{32}\\]$"), output);
    }

    [Fact]
    public void The_key_can_come_from_a_file_and_gives_the_same_tokens()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, KeyA + "\n");
            Assert.Equal(Masker.Text("jane@example.com", WithKey(KeyA)), Masker.Text("jane@example.com", new MaskingOptions { HmacKeyFile = path }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_secret_never_appears_in_to_string_or_in_errors()
    {
        const string shortSecret = "tooShortSecret1";
        var options = new MaskingOptions { HmacKey = shortSecret };
        var errors = string.Join(" ", options.Validate("Enrichment:Masking"));
        var exception = Assert.Throws<EnrichmentConfigurationException>(() => new PiiMaskingEnricher(options, new EnrichmentStatistics()));

        Assert.Contains("Enrichment:Masking:HmacKey", errors, StringComparison.Ordinal);
        Assert.DoesNotContain(shortSecret, errors, StringComparison.Ordinal);
        Assert.DoesNotContain(shortSecret, exception.Message, StringComparison.Ordinal);

        var good = new MaskingOptions { HmacKey = KeyA };
        var enricher = new PiiMaskingEnricher(good, new EnrichmentStatistics());
        Assert.DoesNotContain(KeyA, good.ToString(), StringComparison.Ordinal);
        Assert.Contains("Hmac=set", good.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, enricher.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_both_key_and_key_file_is_refused()
    {
        var errors = new MaskingOptions { HmacKey = KeyA, HmacKeyFile = "/x" }.Validate("M").ToList();
        Assert.Single(errors);
        Assert.Contains("only one", errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_file_is_refused_with_its_path()
    {
        var errors = new MaskingOptions { HmacKeyFile = "/nonexistent/hmac.key" }.Validate("Enrichment:Masking").ToList();
        Assert.Contains(errors, e => e.Contains("Enrichment:Masking:HmacKeyFile", StringComparison.Ordinal) && e.Contains("/nonexistent/hmac.key", StringComparison.Ordinal));
    }
}
