namespace Enrichers.Tests.Masking;

/// <summary>Issue 21: the key of a value, or the key or words before a number in text, decide what bare and
/// ambiguous numbers are; measurements, versions and identifiers stay.</summary>
public class ContextRuleTests
{
    [Theory]
    [InlineData("{\"caller_id\":\"14155550132\"}", "{\"caller_id\":\"[phone]\"}")]
    [InlineData("{\"phone_id\":\"+14155550132\"}", "{\"phone_id\":\"[phone]\"}")]
    [InlineData("{\"msisdn\":447946095812}", "{\"msisdn\":\"[phone]\"}")]
    [InlineData("{\"contact\":{\"phoneNumber\":\"030 1234567\"}}", "{\"contact\":{\"phoneNumber\":\"[phone]\"}}")]
    [InlineData("{\"ssn\":\"123456789\"}", "{\"ssn\":\"[ssn]\"}")]
    [InlineData("{\"SSN\":123456789}", "{\"SSN\":\"[ssn]\"}")]
    [InlineData("{\"card_number\":\"4111 1111 1111 1112\"}", "{\"card_number\":\"[card]\"}")]
    [InlineData("{\"aadhaar\":\"234567890123\"}", "{\"aadhaar\":\"[national_id]\"}")]
    [InlineData("{\"phone\":{\"home\":\"4155550132\"}}", "{\"phone\":{\"home\":\"[phone]\"}}")]
    public void A_key_that_names_the_kind_masks_its_bare_forms(string json, string expected) =>
        Assert.Equal(expected, Masker.Json(json));

    [Theory]
    [InlineData("{\"order_id\":\"4155550132\",\"count\":123456789,\"phone_count\":3,\"request_id\":\"415-555-0132\"}")]
    [InlineData("{\"cell_id\":\"31026012345678\",\"order\":\"123456789\"}")]
    public void Keys_that_do_not_name_the_kind_leave_bare_numbers_alone(string json) =>
        Assert.Equal(json, Masker.Json(json));

    [Theory]
    [InlineData("inbound call caller_id=14155550132 queued", "inbound call caller_id=[phone] queued")]
    [InlineData("verify ssn=123456789 now", "verify ssn=[ssn] now")]
    [InlineData("SSN: 123 45 6789", "SSN: [ssn]")]
    [InlineData("social security number 078051120", "social security number [ssn]")]
    [InlineData("aadhaar: 234567890123", "aadhaar: [national_id]")]
    [InlineData("'phone': '4155550132'", "'phone': '[phone]'")]
    public void The_key_or_words_before_a_number_in_text_are_its_context(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("[dd.service=billing dd.trace_id=4111111111111111111 dd.span_id=4111111111111111] charge failed")]
    [InlineData("trace_id: 4012888888881881 retrying")]
    [InlineData("request id 415-555-0132 done")]
    public void A_number_right_after_an_identifier_key_in_text_is_that_identifier(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("latencies 832 753 5866")]
    [InlineData("latency p50/p95/p99: 832 753 5866 ms")]
    [InlineData("stage timings 125-750-1000 ms")]
    [InlineData("took 832 753 5866 1021 ms")]
    [InlineData("p50=832 p99=5866")]
    [InlineData("sizes 832.753.5866 KB")]
    [InlineData("125-750-1000")]
    [InlineData("retry in 2345 6789 0123 us")]
    [InlineData("durations 832 45 5866")]
    public void Groups_of_measurements_are_not_phones_ssns_or_aadhaar_numbers(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("agent/1.2.3.4 from 81.2.69.160", "agent/1.2.3.4 from [ip]")]
    [InlineData("System.Runtime, Version=4.2.1.17, Culture=neutral", "System.Runtime, Version=4.2.1.17, Culture=neutral")]
    [InlineData("build 2.17.8.231 deployed", "build 2.17.8.231 deployed")]
    [InlineData("client version 1.2.3.4 rejected", "client version 1.2.3.4 rejected")]
    [InlineData("GET /geo/81.2.69.160/lookup", "GET /geo/[ip]/lookup")]
    [InlineData("proxy http://81.2.69.160/healthz", "proxy http://[ip]/healthz")]
    [InlineData("host 81.2.69.160 down", "host [ip] down")]
    public void A_dotted_quad_after_a_product_or_a_version_word_is_a_version(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Fact]
    public void A_build_key_holds_a_version()
    {
        Assert.Equal("{\"build\":\"2.17.8.231\",\"ip\":\"[ip]\"}", Masker.Json("{\"build\":\"2.17.8.231\",\"ip\":\"81.2.69.160\"}"));
    }

    [Theory]
    [InlineData("call +44\u00a020\u00a07946\u00a00958 now", "call [phone] now")]
    [InlineData("call +33\u202f6\u202f12\u202f34\u202f56\u202f78", "call [phone]")]
    [InlineData("phone 415\u00a0555\u00a00132", "phone [phone]")]
    [InlineData("?q=%2B14155550132&x=1", "?q=[phone]&x=1")]
    [InlineData("card=4111+1111+1111+1111&exp=12", "card=[card]&exp=12")]
    [InlineData("card=4111%201111%201111%201111&exp=12", "card=[card]&exp=12")]
    [InlineData("card 4111.1111.1111.1111 declined", "card [card] declined")]
    [InlineData("ssn 078 05 1120", "ssn [ssn]")]
    [InlineData("ssn 078.05.1120.", "ssn [ssn].")]
    [InlineData("iban de89370400440532013000 paid", "iban [iban] paid")]
    [InlineData("iban DE89-3704-0044-0532-0130-00 paid", "iban [iban] paid")]
    [InlineData("iban be68 5390 0754 7034", "iban [iban]")]
    public void Numbers_in_the_separators_and_cases_logs_write_them_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("ref 666 12 3456")]
    [InlineData("ref 078 00 1120")]
    [InlineData("4111+1111+1111+1112")]
    [InlineData("deadbeef12345678 be12abcdef012345")]
    [InlineData("2026-12-07 04:00:00,123")]
    public void Look_alikes_that_fail_their_checks_stay(string text) =>
        Assert.Equal(text, Masker.Text(text));
}
