namespace Enrichers.Tests.Masking;

public class SurvivalTests
{
    [Theory]
    [InlineData("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("trace_id", "12345678901234567890123456789012")]
    [InlineData("span_id", "00f067aa0ba902b7")]
    [InlineData("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")]
    [InlineData("request_id", "550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("@timestamp", "2026-11-26T22:33:08.123Z")]
    [InlineData("at", "2026-11-26 22:33:08,123 +01:00")]
    [InlineData("stable_version", "v2.14.3")]
    [InlineData("canary_version", "v2.15.0-rc.3")]
    [InlineData("mcp_protocol_version", "2025-06-18")]
    [InlineData("model_id", "claude-3-5-sonnet-20241022")]
    [InlineData("model_id", "gpt-4o-2024-08-06")]
    [InlineData("workspace_id", "ws_8f3a2c1d9e")]
    [InlineData("tenant_id", "tn_0a1b2c3d")]
    [InlineData("deployment_id", "dep-7f3e9a1b")]
    [InlineData("workflow_id", "wf_12345678")]
    [InlineData("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("digest", "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("order", "Order 4111111111111112 exported")]
    [InlineData("message", "Shifted 12% of traffic to canary v2.15.3 (error rate 0.123%)")]
    [InlineData("message", "Context length exceeded: 250001 tokens for gpt-4o")]
    [InlineData("message", "Budget of $500.00 exceeded; retry-after 20s; 429 Too Many Requests")]
    [InlineData("message", "Out of memory allocating KV cache (24.0 GiB) at /var/lib/models")]
    [InlineData("stack_trace", "   at SmmArchitect.Router.Dispatch(Request r) in /src/Router.cs:line 142")]
    [InlineData("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.6099.109")]
    [InlineData("path", "/v1/workspaces/ws_8f3a2c1d9e/workflows/wf_12345678/runs")]
    [InlineData("note", "café 🚀 Équipe Données 日本")]
    [InlineData("base64", "SGVsbG8gV29ybGQhIFRoaXMgaXMgYSB0ZXN0Lg==")]
    public void Identifiers_times_versions_and_ordinary_text_survive_byte_for_byte(string key, string value)
    {
        var json = $"{{\"{key}\":\"{value}\"}}";
        Assert.Equal(json, Masker.Json(json));
    }

    [Theory]
    [InlineData("span_id", "4111111111111111")]
    [InlineData("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-4111111111111111-01")]
    [InlineData("x-b3-spanid", "5555555555554444")]
    [InlineData("order_id", "415-555-0132")]
    public void Identifier_fields_are_not_scanned_for_numbers_that_happen_to_pass_a_checksum(string key, string value)
    {
        var json = $"{{\"{key}\":\"{value}\"}}";
        Assert.Equal(json, Masker.Json(json));
    }

    [Fact]
    public void Identifier_fields_are_still_scanned_for_addresses_and_keys()
    {
        Assert.Equal("{\"request_id\":\"[email]\",\"session_id\":\"[redacted]\"}", Masker.Json("{\"request_id\":\"jane@example.com\",\"session_id\":\"abc\"}"));
    }

    [Theory]
    [InlineData("trace DE80370400440532013000ABCDEF0123 done")]
    [InlineData("trace CA04370400440532013000ABCDEF0123 done")]
    [InlineData("00-AB19370400440532013000ABCDEF0123-7D566EF1D165B80B-00")]
    public void Uppercase_hex_ids_that_pass_mod_97_are_not_ibans(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Fact]
    public void Untouched_strings_keep_their_escapes_while_a_masked_neighbour_changes()
    {
        var json = "{\"a\":\"caf\\u00e9 \\\"q\\\"\",\"b\":\"mail jane@example.com\\n\",\"c\":[\"x\\/y\",\"+1 415-555-0132\"]}";
        Assert.Equal("{\"a\":\"caf\\u00e9 \\\"q\\\"\",\"b\":\"mail [email]\\n\",\"c\":[\"x\\/y\",\"[phone]\"]}", Masker.Json(json));
    }

    [Fact]
    public void Pii_between_raw_non_ascii_text_is_masked_and_the_text_kept()
    {
        var json = "{\"m\":\"Kontakt: jürgen@example.de, 日本 +49 30 1234567 🚀 renée@contoso.org\"}";
        Assert.Equal("{\"m\":\"Kontakt: [email], 日本 [phone] 🚀 [email]\"}", Masker.Json(json));
        var hmac = Masker.Json(json, new Enrichers.Masking.MaskingOptions { HmacKey = "0123456789abcdef0123" });
        Assert.Equal(hmac, Masker.Json(json.Replace("\"m\"", "\"n\"", StringComparison.Ordinal), new Enrichers.Masking.MaskingOptions { HmacKey = "0123456789abcdef0123" }).Replace("\"n\"", "\"m\"", StringComparison.Ordinal));
        Assert.Matches("^\\{\"m\":\"Kontakt: \\[email:[0-9a-f]{16}\\], 日本 \\[phone:[0-9a-f]{16}\\] 🚀 \\[email:[0-9a-f]{16}\\]\"\\}$", hmac);
    }

    [Fact]
    public void Pii_in_arrays_and_nested_objects_is_masked()
    {
        var json = "{\"users\":[{\"contact\":{\"emails\":[\"a@example.com\",\"b@example.org\"]}},\"call (415) 555-0132\"],\"deep\":{\"x\":{\"y\":{\"z\":\"ssn 123-45-6789\"}}}}";
        Assert.Equal(
            "{\"users\":[{\"contact\":{\"emails\":[\"[email]\",\"[email]\"]}},\"call [phone]\"],\"deep\":{\"x\":{\"y\":{\"z\":\"ssn [ssn]\"}}}}",
            Masker.Json(json));
    }

    [Fact]
    public void Masks_are_counted_per_type()
    {
        var masker = new Masker();
        masker.Mask("{\"m\":\"a@example.com b@example.com 81.2.69.160\",\"password\":\"x\",\"n\":[\"4111111111111111\"]}");

        Assert.Equal(2, masker.Statistics.Masks["email"]);
        Assert.Equal(1, masker.Statistics.Masks["ip"]);
        Assert.Equal(1, masker.Statistics.Masks["key"]);
        Assert.Equal(1, masker.Statistics.Masks["card"]);
        Assert.Equal(5, masker.Statistics.Masks.Total);
    }

    [Fact]
    public void A_masked_record_masked_again_does_not_change()
    {
        var once = Masker.Json("{\"m\":\"jane@example.com Bearer abcdefgh12345678 password=x 8.8.8.8\",\"token\":\"t\"}");
        Assert.Equal(once, Masker.Json(once));
    }
}
