using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class RepeatedTextCacheTests
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
        var cache = RepeatedTextCache.For(new object());
        cache.AddClean("canary-controller-eu-west-1"u8, MaskPatterns.All);

        Assert.True(cache.IsClean("canary-controller-eu-west-1"u8, MaskPatterns.All));
        Assert.False(cache.IsClean("canary-controller-eu-west-2"u8, MaskPatterns.All));
        Assert.False(cache.IsClean("canary-kontroller-eu-west-1"u8, MaskPatterns.All));
        Assert.False(cache.IsClean("canary-controller-eu-west-"u8, MaskPatterns.All));
        Assert.False(cache.IsClean("canary-controller-eu-west-1"u8, MaskPatterns.All & ~MaskPatterns.Ip));
    }

    [Fact]
    public void Key_flags_are_remembered_per_exact_name()
    {
        var cache = RepeatedTextCache.For(new object());
        cache.AddKeyFlags("password"u8, KeyFlags.Secret);

        Assert.True(cache.TryGetKeyFlags("password"u8, out var flags));
        Assert.Equal(KeyFlags.Secret, flags);
        Assert.False(cache.TryGetKeyFlags("passwort"u8, out _));
    }

    [Fact]
    public void Key_names_that_share_their_ends_get_their_own_flags()
    {
        // Same length, same first and last 8 bytes: the cheap hash collides, the byte comparison does not.
        var masker = new Masker();
        var json = "{\"aaaaaaaaXsessionid\":\"x\",\"aaaaaaaa_sessionid\":\"y\"}";
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("{\"aaaaaaaaXsessionid\":\"x\",\"aaaaaaaa_sessionid\":\"[redacted]\"}", masker.Mask(json));
        }
    }

    [Fact]
    public void A_value_sharing_its_ends_with_a_clean_value_is_still_scanned()
    {
        var masker = new Masker();
        Assert.Equal("{\"m\":\"request from 12345678 to the api\"}", masker.Mask("{\"m\":\"request from 12345678 to the api\"}"));
        Assert.Equal("{\"m\":\"request from [email] to the api\"}", masker.Mask("{\"m\":\"request from a@bcd.io to the api\"}"));
    }

    [Fact]
    public void Escaped_values_are_remembered_by_their_raw_bytes()
    {
        CleanTwiceThenMasked("{\"note\":\"caf\\u00e9 \\ttab\"}", "{\"note\":\"caf\\u00e9 a\\u0040b.io\"}", "{\"note\":\"café [email]\"}");
    }

    [Fact]
    public void Long_values_are_remembered_by_their_exact_bytes()
    {
        var cache = RepeatedTextCache.For(new object());
        var agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"u8;
        cache.AddClean(agent, MaskPatterns.All);

        Assert.True(cache.IsClean(agent, MaskPatterns.All));
        Assert.False(cache.IsClean("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.1"u8, MaskPatterns.All));
        Assert.False(cache.IsClean("Mozilla/5.0 (Windows NT 10.0; Win64; x65) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"u8, MaskPatterns.All));
        Assert.False(cache.IsClean(agent, MaskPatterns.All & ~MaskPatterns.Email));
    }

    [Fact]
    public void Values_longer_than_the_longest_remembered_are_not_remembered()
    {
        var cache = RepeatedTextCache.For(new object());
        var text = new byte[RepeatedTextCache.MaxValueLength + 1];
        text.AsSpan().Fill((byte)'a');
        cache.AddClean(text, MaskPatterns.All);

        Assert.False(cache.IsClean(text, MaskPatterns.All));
    }

    [Fact]
    public void A_long_value_that_differs_from_a_clean_one_in_its_middle_is_still_masked()
    {
        // Same length, same ends and the same middle bytes the hash reads: only the comparison tells them apart.
        CleanTwiceThenMasked(
            "{\"m\":\"a request from the edge proxy for the tenant, forwarded by xxxxxx to the upstream api of the region\"}",
            "{\"m\":\"a request from the edge proxy for the tenant, forwarded by a@b.io to the upstream api of the region\"}",
            "{\"m\":\"a request from the edge proxy for the tenant, forwarded by [email] to the upstream api of the region\"}");
    }

    [Fact]
    public void A_key_whose_values_keep_missing_is_looked_up_once_per_probe_interval()
    {
        var cache = RepeatedTextCache.For(new object());
        var slot = cache.AddKeyFlags("trace_id"u8, KeyFlags.None);
        var consulted = 0;
        for (var i = 0; i < RepeatedTextCache.SkipAfterMisses + (4 * RepeatedTextCache.ProbeInterval); i++)
        {
            if (cache.ShouldConsult(slot))
            {
                consulted++;
            }

            cache.CountValue(slot, found: false);
        }

        Assert.Equal(RepeatedTextCache.SkipAfterMisses + 4, consulted);
    }

    [Fact]
    public void A_key_whose_value_is_found_again_is_looked_up_every_time()
    {
        var cache = RepeatedTextCache.For(new object());
        var slot = cache.AddKeyFlags("level"u8, KeyFlags.None);
        for (var i = 0; i < RepeatedTextCache.SkipAfterMisses; i++)
        {
            cache.CountValue(slot, found: false);
        }

        Assert.False(cache.ShouldConsult(slot));
        cache.CountValue(slot, found: true);

        Assert.True(cache.ShouldConsult(slot));
        Assert.True(cache.ShouldConsult(-1));
    }

    [Fact]
    public void A_name_that_takes_a_slot_starts_with_no_misses()
    {
        var cache = RepeatedTextCache.For(new object());
        var slot = cache.AddKeyFlags("span_id"u8, KeyFlags.None);
        for (var i = 0; i < RepeatedTextCache.SkipAfterMisses + 1; i++)
        {
            cache.CountValue(slot, found: false);
        }

        Assert.False(cache.ShouldConsult(slot));
        Assert.Equal(slot, cache.AddKeyFlags("span_id"u8, KeyFlags.None));
        Assert.True(cache.ShouldConsult(slot));
    }

    [Fact]
    public void Values_of_a_key_no_longer_looked_up_are_still_masked()
    {
        // Unique clean values first, so the key's values are mostly scanned without a lookup; then a repeated
        // value and values with PII under the same key.
        var masker = new Masker();
        for (var i = 0; i < 4 * RepeatedTextCache.ProbeInterval; i++)
        {
            Assert.Equal($"{{\"m\":\"request {i:x8}\"}}", masker.Mask($"{{\"m\":\"request {i:x8}\"}}"));
        }

        for (var i = 0; i < 2 * RepeatedTextCache.ProbeInterval; i++)
        {
            Assert.Equal("{\"m\":\"sent to [email]\"}", masker.Mask("{\"m\":\"sent to a@b.io\"}"));
            Assert.Equal("{\"m\":\"request 00000000\"}", masker.Mask("{\"m\":\"request 00000000\"}"));
        }
    }

    [Theory]
    [InlineData("{\"pwd\":\"hunter2\"}", "hunter2")]
    [InlineData("{\"user\":\"jane.doe@example.com\"}", "jane.doe@example.com")]
    public void A_value_only_scanned_as_text_at_the_deepest_level_is_not_clean_where_its_json_is_parsed(string secretJson, string secret)
    {
        // Field a nests the secret so deep that the string holding it two levels further in is reached at the last
        // inner level, where JSON is no longer parsed and the key rule cannot see "pwd"; field b holds that same
        // string at the top, where it is parsed. The first must not let the second pass as clean.
        var deepest = MaskingScope.MaxInnerLevels;
        var outer = JsonString(Nest(secretJson, deepest + 2));
        var atDeepest = JsonString(Nest(secretJson, 2));
        var masker = new Masker();

        var output = masker.Mask($"{{\"a\":{outer},\"b\":{atDeepest}}}");
        var alone = new Masker().Mask($"{{\"b\":{atDeepest}}}");

        using var document = System.Text.Json.JsonDocument.Parse(output);
        var b = document.RootElement.GetProperty("b").GetString()!;
        Assert.DoesNotContain(secret, b, StringComparison.Ordinal);
        using var aloneDocument = System.Text.Json.JsonDocument.Parse(alone);
        Assert.Equal(aloneDocument.RootElement.GetProperty("b").GetString(), b);
    }

    private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Nest(string json, int levels) => levels == 0 ? json : $"{{\"s\":{JsonString(Nest(json, levels - 1))}}}";

    // A clean record is kept as it is, also the second time (from the cache); then a record close to it with PII is
    // still masked.
    private static void CleanTwiceThenMasked(string clean, string dirty, string masked)
    {
        var masker = new Masker();
        Assert.Equal(clean, masker.Mask(clean));
        Assert.Equal(clean, masker.Mask(clean));
        Assert.Equal(masked, masker.Mask(dirty));
    }
}
