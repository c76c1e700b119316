namespace Enrichers.Tests.Masking;

/// <summary>Issue 21: JSON held in a string is masked as JSON and written back valid.</summary>
public class InnerJsonTests
{
    [Fact]
    public void A_local_part_written_with_unicode_escapes_is_masked_and_the_inner_json_stays_valid()
    {
        var output = Masker.Json("{\"body\":\"{\\\"to\\\":\\\"jo\\\\u0068n@example.com\\\",\\\"n\\\":1}\"}");

        Assert.Equal("{\"body\":\"{\\\"to\\\":\\\"[email]\\\",\\\"n\\\":1}\"}", output);
    }

    [Fact]
    public void Key_rules_apply_to_keys_of_json_held_in_a_string_two_levels_deep()
    {
        var inner = "{\"type\":\"audit\",\"data\":" + Q("{\"password\":\"hunter2\",\"user\":\"jane@example.com\"}") + "}";
        var output = Masker.Json("{\"payload\":" + Q(inner) + "}");

        using var outer = System.Text.Json.JsonDocument.Parse(output);
        using var payload = System.Text.Json.JsonDocument.Parse(outer.RootElement.GetProperty("payload").GetString()!);
        using var data = System.Text.Json.JsonDocument.Parse(payload.RootElement.GetProperty("data").GetString()!);
        Assert.Equal("audit", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal("[redacted]", data.RootElement.GetProperty("password").GetString());
        Assert.Equal("[email]", data.RootElement.GetProperty("user").GetString());
    }

    [Fact]
    public void Json_with_nothing_to_mask_keeps_its_exact_bytes_and_whitespace()
    {
        var json = "{\"body\":\"{ \\\"a\\\" : [1, 2.50, \\\"caf\\\\u00e9\\\"] }\\n\"}";
        Assert.Equal(json, Masker.Json(json));
    }

    [Fact]
    public void Masked_json_is_written_compact_and_keeps_the_whitespace_around_it()
    {
        var output = Masker.Json("{\"body\":\"  {\\n  \\\"mail\\\": \\\"jane@example.com\\\",\\n  \\\"note\\\": \\\"\\\\\\\"q\\\\\\\" caf\\\\u00e9\\\"\\n}\\n\"}");

        Assert.Equal("{\"body\":\"  {\\\"mail\\\":\\\"[email]\\\",\\\"note\\\":\\\"\\\\\\\"q\\\\\\\" caf\\\\u00e9\\\"}\\n\"}", output);
    }

    [Fact]
    public void An_array_of_objects_in_a_string_is_masked_as_json()
    {
        Assert.Equal("{\"batch\":\"[{\\\"to\\\":\\\"[email]\\\"},{\\\"ip\\\":\\\"[ip]\\\"}]\"}", Masker.Json("{\"batch\":\"[{\\\"to\\\":\\\"a@example.com\\\"},{\\\"ip\\\":\\\"81.2.69.160\\\"}]\"}"));
    }

    [Fact]
    public void Text_that_looks_like_json_but_does_not_parse_is_scanned_as_text()
    {
        Assert.Equal("{\"m\":\"{broken: [email]}\"}", Masker.Json("{\"m\":\"{broken: jane@example.com}\"}"));
    }

    private static string Q(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
