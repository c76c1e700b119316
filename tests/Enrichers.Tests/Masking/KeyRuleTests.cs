namespace Enrichers.Tests.Masking;

public class KeyRuleTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("db_password")]
    [InlineData("DB_PASSWORD")]
    [InlineData("x-api-key")]
    [InlineData("X-API-KEY")]
    [InlineData("apiKey")]
    [InlineData("APIKey")]
    [InlineData("api.key")]
    [InlineData("openai_apikey")]
    [InlineData("accessToken")]
    [InlineData("refresh_token")]
    [InlineData("client_secret")]
    [InlineData("Authorization")]
    [InlineData("proxy-authorization")]
    [InlineData("cookie")]
    [InlineData("set-cookie")]
    [InlineData("Set-Cookie")]
    [InlineData("private_key")]
    [InlineData("aws_access_key")]
    [InlineData("SessionID")]
    [InlineData("session.id")]
    [InlineData("user_pwd")]
    [InlineData("passwd")]
    [InlineData("smtp.credentials")]
    public void Values_of_keys_whose_words_end_with_a_rule_are_redacted(string key)
    {
        var json = $"{{\"{key}\":\"hunter2\",\"other\":\"kept\"}}";
        Assert.Equal($"{{\"{key}\":\"[redacted]\",\"other\":\"kept\"}}", Masker.Json(json));
    }

    [Theory]
    [InlineData("token_count")]
    [InlineData("password_policy")]
    [InlineData("tokens")]
    [InlineData("max_tokens")]
    [InlineData("cache_key")]
    [InlineData("trace_id")]
    [InlineData("secretary")]
    [InlineData("tokenizer")]
    [InlineData("cookie_consent")]
    [InlineData("session")]
    public void Keys_that_only_contain_a_rule_word_are_not_redacted(string key)
    {
        var json = $"{{\"{key}\":\"value-1\"}}";
        Assert.Equal(json, Masker.Json(json));
    }

    [Fact]
    public void A_secret_key_is_redacted_whatever_the_type_of_its_value_and_at_any_depth_but_a_boolean()
    {
        var json = "{\"a\":{\"b\":[{\"db_password\":12345},{\"apiKey\":{\"id\":\"k1\",\"v\":[1,2]}}]},\"token\":[\"x\",\"y\"],\"secret\":true}";
        Assert.Equal(
            "{\"a\":{\"b\":[{\"db_password\":\"[redacted]\"},{\"apiKey\":\"[redacted]\"}]},\"token\":\"[redacted]\",\"secret\":true}",
            Masker.Json(json));
    }

    [Theory]
    [InlineData("{\"tests_pass\":true,\"test_pass\":\"ok\",\"password\":null,\"pwd\":false,\"args\":[\"--password\",true]}")]
    [InlineData("{\"sig\":\"SIGTERM\",\"signal_sig\":\"SIGRTMIN+3\",\"bypass\":\"on\",\"compass\":\"north\"}")]
    public void Booleans_nulls_and_signal_names_under_secret_keys_and_test_results_stay(string json) =>
        Assert.Equal(json, Masker.Json(json));

    [Fact]
    public void A_number_or_a_string_that_only_looks_like_a_literal_under_a_secret_key_is_still_redacted() =>
        Assert.Equal("{\"otp\":\"[redacted]\",\"pwd\":\"[redacted]\",\"sig\":\"[redacted]\"}",
            Masker.Json("{\"otp\":123456,\"pwd\":\"true\",\"sig\":\"SIGNATUREabc\"}"));

    [Fact]
    public void Secrets_and_pii_are_masked_at_the_deepest_nesting_the_parser_accepts()
    {
        var depth = 62;
        var json = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "{\"apiKey\":\"k\",\"m\":[\"a@example.com\"]}" + new string('}', depth);
        var expected = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "{\"apiKey\":\"[redacted]\",\"m\":[\"[email]\"]}" + new string('}', depth);
        Assert.Equal(expected, Masker.Json(json));
    }

    [Fact]
    public void Empty_and_null_secret_values_are_left_as_they_are()
    {
        var json = "{\"password\":null,\"token\":\"\",\"cookie\":{},\"secret\":[]}";
        Assert.Equal(json, Masker.Json(json));
    }

    [Fact]
    public void Headers_nested_under_request_are_redacted()
    {
        var json = "{\"request\":{\"headers\":{\"authorization\":\"Bearer abc.def.ghi\",\"x-api-key\":\"AIza123\",\"accept\":\"application/json\"}}}";
        Assert.Equal(
            "{\"request\":{\"headers\":{\"authorization\":\"[redacted]\",\"x-api-key\":\"[redacted]\",\"accept\":\"application/json\"}}}",
            Masker.Json(json));
    }

    [Fact]
    public void An_escaped_key_name_is_decoded_before_the_rules_apply()
    {
        Assert.Equal("{\"pass\\u0077ord\":\"[redacted]\"}", Masker.Json("{\"pass\\u0077ord\":\"x\"}"));
    }

    [Fact]
    public void Json_numbers_are_not_scanned_by_value_patterns_unless_their_key_names_personal_data()
    {
        var json = "{\"order\":4111111111111111,\"count\":4155550132,\"n\":[4111111111111111],\"phone\":4155550132,\"ssn\":123456789,\"card_number\":4111111111111111,\"phones\":[4155550132,3]}";
        Assert.Equal(
            "{\"order\":4111111111111111,\"count\":4155550132,\"n\":[4111111111111111],\"phone\":\"[phone]\",\"ssn\":\"[ssn]\",\"card_number\":\"[card]\",\"phones\":[\"[phone]\",3]}",
            Masker.Json(json));
    }
}
