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
}
