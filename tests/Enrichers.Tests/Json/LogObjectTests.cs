using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public sealed class LogObjectTests
{
    private static LogObject Parse(string json) => LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!.Root;

    [Theory]
    [InlineData("{\"a\":1,\"kAy\":2}", "kAy", 1)]
    [InlineData("{\"a\":1,\"k\\u0041y\":2}", "kAy", 1)]
    [InlineData("{\"a\":1,\"é\":2}", "é", 1)]
    [InlineData("{\"é\":1,\"e\":2}", "e", 1)]
    [InlineData("{\"caf\\u00e9\":1}", "café", 0)]
    [InlineData("{\"ab\":1,\"aB\":2}", "aB", 1)]
    [InlineData("{\"ab\":1}", "abc", -1)]
    [InlineData("{\"abc\":1}", "ab", -1)]
    [InlineData("{\"\":1,\"x\":2}", "", 0)]
    [InlineData("{\"日本\":1,\"ab\":2}", "ab", 1)]
    [InlineData("{\"aé\":1}", "aé", 0)]
    public void Lookups_find_names_whether_escaped_ascii_or_not(string json, string name, int expected)
    {
        Assert.Equal(expected, Parse(json).IndexOf(name));
    }

    [Fact]
    public void Names_set_by_enrichers_are_found_ascii_or_not()
    {
        var obj = Parse("{\"a\":1}");
        obj.Set("ünïcode", "x");
        obj.Set("plain", "y");

        Assert.Equal(1, obj.IndexOf("ünïcode"));
        Assert.Equal(2, obj.IndexOf("plain"));
        Assert.Equal(-1, obj.IndexOf("plai"));
    }
}
