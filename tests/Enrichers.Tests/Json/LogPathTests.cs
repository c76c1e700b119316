using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public class LogPathTests
{
    private static LogRecord Parse(string json) => LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;

    [Theory]
    [InlineData("{\"trace\":{\"id\":\"abc\"}}")]
    [InlineData("{\"trace.id\":\"abc\"}")]
    [InlineData("{\"a\":{\"trace\":{\"id\":\"abc\"}}}", "a.trace.id")]
    [InlineData("{\"a.trace\":{\"id\":\"abc\"}}", "a.trace.id")]
    public void A_dotted_path_finds_nested_objects_and_dotted_keys(string json, string path = "trace.id")
    {
        Assert.Equal("abc", Parse(json).FindString(path));
    }

    [Fact]
    public void Setting_a_new_path_creates_nested_objects_at_the_end()
    {
        var record = Parse("{\"a\":1}");

        record.Set("client.geo.city_name", "London");
        record.Set("client.ip", "81.2.69.0");

        Assert.Equal("{\"a\":1,\"client\":{\"geo\":{\"city_name\":\"London\"},\"ip\":\"81.2.69.0\"}}", record.ToString());
    }

    [Fact]
    public void Setting_an_existing_dotted_key_replaces_it_in_place()
    {
        var record = Parse("{\"client.ip\":\"1.2.3.4\",\"b\":2}");

        record.Set("client.ip", "1.2.3.0");

        Assert.Equal("{\"client.ip\":\"1.2.3.0\",\"b\":2}", record.ToString());
    }

    [Fact]
    public void A_non_object_in_the_way_is_kept_and_the_rest_becomes_a_dotted_key()
    {
        var record = Parse("{\"client\":\"web\"}");

        record.Set("client.ip", "1.2.3.0");

        Assert.Equal("{\"client\":\"web\",\"client.ip\":\"1.2.3.0\"}", record.ToString());
    }

    [Fact]
    public void Removing_the_last_nested_field_removes_the_emptied_parent()
    {
        var record = Parse("{\"trace\":{\"id\":\"x\"},\"keep\":{\"a\":1}}");

        Assert.True(record.Remove("trace.id"));
        Assert.False(record.Remove("trace.id"));
        Assert.Equal("{\"keep\":{\"a\":1}}", record.ToString());
    }
}
