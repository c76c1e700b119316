using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public class LogRecordParserTests
{
    [Theory]
    [InlineData("{\"a\":1.0,\"b\":12345678901234567890123,\"c\":-0.0e+10}")]
    [InlineData("{\"s\":\"caf\\u00e9 \\\"q\\\" \\/ \\n\",\"é\":\"é\",\"n\":null,\"t\":true,\"f\":false}")]
    [InlineData("{\"nested\":{\"arr\":[1,[2,{\"x\":[]}],{}],\"o\":{}},\"z\":\"\"}")]
    [InlineData("{\"k\\u0041y\":\"v\",\"dup\":1,\"dup\":2}")]
    public void Untouched_compact_records_round_trip_byte_for_byte(string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection);

        Assert.Null(rejection);
        Assert.Equal(json, record!.ToString());
    }

    [Fact]
    public void Whitespace_and_newlines_are_removed_so_the_output_is_one_line()
    {
        var record = LogRecordParser.TryParse("\n{ \"a\" : [ 1 ,\n 2 ] ,\r\n \"b\" : { \"c\" : \"d e\" } }\n"u8.ToArray(), out _);

        Assert.Equal("{\"a\":[1,2],\"b\":{\"c\":\"d e\"}}", record!.ToString());
    }

    [Theory]
    [InlineData("{\"a\":", RecordRejection.InvalidJsonCode)]
    [InlineData("{\"a\":1} {\"b\":2}", RecordRejection.InvalidJsonCode)]
    [InlineData("{\"a\":1,}", RecordRejection.InvalidJsonCode)]
    [InlineData("[1,2]", RecordRejection.NotAnObjectCode)]
    [InlineData("\"text\"", RecordRejection.NotAnObjectCode)]
    [InlineData("42", RecordRejection.NotAnObjectCode)]
    [InlineData("   ", RecordRejection.EmptyCode)]
    [InlineData("plain text log line", RecordRejection.InvalidJsonCode)]
    public void Bad_input_is_rejected_with_a_reason_code(string input, string code)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(input), out var rejection);

        Assert.Null(record);
        Assert.Equal(code, rejection!.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
    }

    [Theory]
    [InlineData("[{\"a\":1}]", "record is a JSON array, not an object")]
    [InlineData("\"text\"", "record is a JSON string, not an object")]
    [InlineData("-1.5", "record is a JSON number, not an object")]
    [InlineData("null", "record is a JSON null, not an object")]
    public void A_value_that_is_not_an_object_is_named_by_its_json_type(string input, string reason)
    {
        LogRecordParser.TryParse(Encoding.UTF8.GetBytes(input), out var rejection);

        Assert.Equal(reason, rejection!.Reason);
    }

    [Theory]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"secret\":\"hunter2")]
    [InlineData("{\"a\":tru}")]
    public void An_invalid_json_reason_gives_the_position_without_framework_noise_or_content(string input)
    {
        LogRecordParser.TryParse(Encoding.UTF8.GetBytes(input), out var rejection);

        Assert.StartsWith("invalid JSON at byte ", rejection!.Reason);
        Assert.DoesNotContain("LineNumber", rejection.Reason);
        Assert.DoesNotContain("reader options", rejection.Reason);
        Assert.DoesNotContain("hunter2", rejection.Reason);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_even_inside_a_string()
    {
        byte[] input = [.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        LogRecordParser.TryParse(input, out var rejection);

        Assert.Equal(RecordRejection.InvalidUtf8Code, rejection!.Code);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(40, false)]
    [InlineData(0, true)]
    [InlineData(40, true)]
    [InlineData(70, true)]
    public void Invalid_utf8_in_a_record_that_is_otherwise_valid_json_is_rejected_wherever_it_is(int offset, bool inValue)
    {
        // The direct parse checks UTF-8 only for records whose strings hold non-ASCII bytes: an invalid sequence deep in a
        // long value (past the first vector) or in a name, next to valid non-ASCII text or alone, is still refused as such.
        var text = new string('x', offset);
        byte[] bad = [.. System.Text.Encoding.UTF8.GetBytes(text), 0xE9, (byte)'t', (byte)'e'];
        byte[] input = inValue
            ? [.. "{\"caf\u00e9\":\"é\",\"a\":\""u8, .. bad, .. "\"}"u8]
            : [.. "{\"a\":1,\""u8, .. bad, .. "\":2}"u8];

        var record = LogRecordParser.TryParse(input, out var rejection);

        Assert.Null(record);
        Assert.Equal(RecordRejection.InvalidUtf8Code, rejection!.Code);
    }

    [Fact]
    public void Valid_non_ascii_text_in_names_and_values_is_accepted_and_written_as_it_came()
    {
        var json = "{\"café\":\"" + new string('x', 45) + "日本語 😀\",\"ключ\":[\"é\",{\"ü\":\"ß\"}]}";

        var record = LogRecordParser.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out var rejection);

        Assert.Null(rejection);
        Assert.Equal(json, record!.ToString());
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Nesting_is_accepted_up_to_the_maximum_depth(int depth, bool accepted)
    {
        // depth containers in total: the root object plus depth-1 nested arrays.
        var json = "{\"a\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection);

        Assert.Equal(accepted, record is not null);
        if (!accepted)
        {
            Assert.Equal(RecordRejection.TooDeepCode, rejection!.Code);
        }
    }

    [Fact]
    public void A_record_over_the_size_limit_is_rejected_before_parsing()
    {
        var json = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 200) + "\"}");

        LogRecordParser.TryParse(json, out var rejection, maxBytes: 100);

        Assert.Equal(RecordRejection.TooLargeCode, rejection!.Code);
        Assert.Contains("100", rejection.Reason);
    }

    [Fact]
    public void Changed_strings_are_escaped_and_untouched_neighbours_keep_their_bytes()
    {
        var record = LogRecordParser.TryParse("{\"a\":\"\\u0041\",\"b\":\"old\",\"c\":1.50}"u8.ToArray(), out _)!;

        record.Set("b", "new \"quoted\"\n\u0001 é");

        Assert.Equal("{\"a\":\"\\u0041\",\"b\":\"new \\\"quoted\\\"\\n\\u0001 é\",\"c\":1.50}", record.ToString());
    }

    [Fact]
    public void Escaped_strings_decode_to_their_value()
    {
        var record = LogRecordParser.TryParse("{\"a\":\"caf\\u00e9 \\ud83d\\ude00\"}"u8.ToArray(), out _)!;

        Assert.Equal("café 😀", record.FindString("a"));
    }
}
