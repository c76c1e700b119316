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

    public static TheoryData<string> MemberChanges() =>
        ["set existing", "set new", "append", "replace", "remove", "remove at", "get or add", "parsed member"];

    [Theory]
    [MemberData(nameof(MemberChanges))]
    public void A_reference_only_mark_is_void_after_any_change_of_members(string change)
    {
        var obj = new LogObject();
        obj.Set("city_name", "London");
        obj.Set("timezone", "Europe/London");
        obj.MarkReferenceOnly();
        Assert.True(obj.IsMarkedReferenceOnly);

        switch (change)
        {
            case "set existing":
                obj.Set("city_name", "Paris");
                break;
            case "set new":
                obj.Set("contact", "x");
                break;
            case "append":
                obj.Append("contact", new LogString("x"));
                break;
            case "replace":
                obj.ReplaceAt(0, "contact", new LogString("x"));
                break;
            case "remove":
                obj.Remove("timezone");
                break;
            case "remove at":
                obj.RemoveAt(1);
                break;
            case "get or add":
                obj.GetOrAddObject("contact");
                break;
            case "parsed member":
                obj.AddParsed(new LogProperty("contact", new LogString("x")));
                break;
        }

        Assert.False(obj.IsMarkedReferenceOnly);
    }

    [Fact]
    public void A_removed_and_re_added_member_voids_the_mark_though_the_count_is_the_same()
    {
        var obj = new LogObject();
        obj.Set("city_name", "London");
        obj.MarkReferenceOnly();

        obj.RemoveAt(0);
        obj.AddParsed(new LogProperty("contact", new LogString("x")));

        Assert.Equal(1, obj.Count);
        Assert.False(obj.IsMarkedReferenceOnly);
    }

    [Fact]
    public void Objects_are_unmarked_when_made_parsed_or_taken_again_from_a_pool()
    {
        Assert.False(new LogObject().IsMarkedReferenceOnly);
        Assert.False(Parse("{\"a\":1}").IsMarkedReferenceOnly);

        var pool = new LogNodePool();
        var first = pool.Object();
        first.MarkReferenceOnly();
        pool.Reset();
        var again = pool.Object();

        Assert.Same(first, again);
        Assert.False(again.IsMarkedReferenceOnly);
    }
}
