namespace Enrichers.Tests.Masking;

/// <summary>Issue 21: key names that are personal data are masked, and stay distinct keys.</summary>
public class KeyNameMaskingTests
{
    [Fact]
    public void E_mail_and_ip_addresses_used_as_keys_are_masked()
    {
        var output = Masker.Json("{\"usage\":{\"jane@example.com\":3,\"81.2.69.160\":{\"n\":1},\"10.0.0.7\":2,\"total\":6}}");

        Assert.Equal("{\"usage\":{\"[email]\":3,\"[ip]\":{\"n\":1},\"10.0.0.7\":2,\"total\":6}}", output);
    }

    [Fact]
    public void Two_keys_masked_alike_get_distinct_names()
    {
        var output = Masker.Json("{\"a@example.com\":1,\"b@example.com\":2,\"[email]#2\":0,\"c@example.com\":3}");

        Assert.Equal("{\"[email]\":1,\"[email]#3\":2,\"[email]#2\":0,\"[email]#4\":3}", output);
    }

    [Fact]
    public void With_keyed_tokens_masked_keys_are_distinct_tokens()
    {
        var options = new Enrichers.Masking.MaskingOptions { HmacKey = "key-name-test-key-0123456789" };
        var output = Masker.Json("{\"a@example.com\":1,\"b@example.com\":2}", options);

        Assert.Matches("^\\{\"\\[email:[0-9a-f]{16}\\]\":1,\"\\[email:[0-9a-f]{16}\\]\":2\\}$", output);
    }

    [Fact]
    public void Names_an_enricher_writes_as_constants_are_judged_as_the_same_names_parsed_or_written_as_strings()
    {
        // Key rules (password), a name holding an address (renamed) and a plain name, judged twice in one enricher:
        // the second time from its names cache, which remembers names by their bytes.
        string[] names = ["password", "jane@example.com", "city_name"];
        var masker = new Masker();
        foreach (var round in new[] { 1, 2 })
        {
            var parsed = Record("{\"password\":\"a\",\"jane@example.com\":\"b\",\"city_name\":\"c\"}");
            var strings = Record("{}");
            var constants = Record("{}");
            for (var i = 0; i < names.Length; i++)
            {
                strings.Root.Append(names[i], new Enrichers.Json.LogString(((char)('a' + i)).ToString()));
                constants.Root.Append(new Enrichers.Json.LogName(names[i]), new Enrichers.Json.LogString(((char)('a' + i)).ToString()));
            }

            foreach (var record in new[] { parsed, strings, constants })
            {
                masker.Enricher.Enrich(record);
            }

            Assert.Equal("{\"password\":\"[redacted]\",\"[email]\":\"b\",\"city_name\":\"c\"}", parsed.ToString());
            Assert.Equal(parsed.ToString(), strings.ToString());
            Assert.Equal(parsed.ToString(), constants.ToString());
        }

        static Enrichers.Json.LogRecord Record(string json) =>
            Enrichers.Json.LogRecordParser.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _)!;
    }
}
