using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class CleanValueCacheTests
{
    [Fact]
    public void A_repeated_value_with_pii_is_masked_every_time()
    {
        var masker = new Masker();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("{\"level\":\"info\",\"m\":\"[email]\"}", masker.Mask("{\"level\":\"info\",\"m\":\"a@b.io\"}"));
        }
    }

    [Fact]
    public void A_value_clean_under_an_identifier_key_is_still_masked_under_another_key()
    {
        // Identifier keys switch the number patterns off, so the same bytes are clean there and a card elsewhere.
        var masker = new Masker();

        Assert.Equal("{\"id\":\"4111111111111111\"}", masker.Mask("{\"id\":\"4111111111111111\"}"));
        Assert.Equal("{\"m\":\"[card]\"}", masker.Mask("{\"m\":\"4111111111111111\"}"));
        Assert.Equal("{\"id\":\"4111111111111111\"}", masker.Mask("{\"id\":\"4111111111111111\"}"));
    }

    [Fact]
    public void Enrichers_with_other_key_rules_on_the_same_thread_do_not_share_clean_values()
    {
        var plain = new Masker();
        var custom = new Masker(new MaskingOptions { KeyNames = ["pin"] });

        Assert.Equal("{\"m\":\"pin=1234\"}", plain.Mask("{\"m\":\"pin=1234\"}"));
        Assert.Equal("{\"m\":\"pin=[redacted]\"}", custom.Mask("{\"m\":\"pin=1234\"}"));
        Assert.Equal("{\"m\":\"pin=1234\"}", plain.Mask("{\"m\":\"pin=1234\"}"));
    }

    [Fact]
    public void Only_the_exact_bytes_are_clean()
    {
        var cache = CleanValueCache.For(new object());
        cache.Add("model-router"u8, MaskPatterns.All);

        Assert.True(cache.Contains("model-router"u8, MaskPatterns.All));
        Assert.False(cache.Contains("model-routes"u8, MaskPatterns.All));
        Assert.False(cache.Contains("model-route"u8, MaskPatterns.All));
        Assert.False(cache.Contains("model-router"u8, MaskPatterns.All & ~MaskPatterns.Ip));
    }

    [Fact]
    public void Escaped_values_are_remembered_by_their_raw_bytes()
    {
        var masker = new Masker();
        var clean = "{\"note\":\"caf\\u00e9 \\ttab\"}";
        var dirty = "{\"note\":\"caf\\u00e9 a\\u0040b.io\"}";

        Assert.Equal(clean, masker.Mask(clean));
        Assert.Equal(clean, masker.Mask(clean));
        Assert.Equal("{\"note\":\"café [email]\"}", masker.Mask(dirty));
    }
}
