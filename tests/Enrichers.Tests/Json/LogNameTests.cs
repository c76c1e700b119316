using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public sealed class LogNameTests
{
    [Theory]
    [InlineData("caf\u00e9")]
    [InlineData("a\"b")]
    [InlineData("a\\b")]
    [InlineData("tab\there")]
    [InlineData("nul\u0000")]
    public void Only_ascii_names_that_json_writes_without_escapes_are_accepted(string name)
    {
        Assert.Throws<ArgumentException>(() => new LogName(name));
    }

    [Fact]
    public void Segments_and_leaves_of_a_dotted_path_are_its_parts()
    {
        Assert.Equal("client", LogName.Segment(FieldNames.ClientGeoCityName, 0).Value);
        Assert.Equal("geo", LogName.Segment(FieldNames.ClientGeoCityName, 1).Value);
        Assert.Equal("city_name", LogName.Leaf(FieldNames.ClientGeoCityName).Value);
        Assert.Equal("trace_id", LogName.Leaf(FieldNames.TraceId).Value);
        Assert.Equal("city_name"u8.ToArray(), LogName.Leaf(FieldNames.ClientGeoCityName).Utf8.ToArray());
    }

    [Theory]
    [InlineData("country_iso_code")]
    [InlineData("@timestamp")]
    [InlineData("a.b-c_d e")]
    [InlineData("")]
    public void A_property_named_by_a_constant_reads_as_one_named_by_its_string(string text)
    {
        var constant = new LogProperty(new LogName(text), LogLiteral.True);
        var named = new LogProperty(text, LogLiteral.True);

        Assert.True(constant.TryGetRawName(out var raw));
        Assert.Equal(Encoding.UTF8.GetBytes(text), raw.ToArray());
        Assert.Equal(named.Name, constant.Name);
        Assert.Equal(named.NameLength, constant.NameLength);
        Assert.Equal(named.AsciiLength, constant.AsciiLength);
        foreach (var other in new[] { text, text + "x", text.ToUpperInvariant(), "x" + text, "caf\u00e9", string.Empty })
        {
            Assert.Equal(named.NameEquals(other), constant.NameEquals(other));
            Assert.Equal(named.NameEqualsIgnoreAsciiCase(other), constant.NameEqualsIgnoreAsciiCase(other));
            if (Ascii.IsValid(other) && other.Length == named.AsciiLength)
            {
                Assert.Equal(named.NameEqualsAscii(other), constant.NameEqualsAscii(other));
            }
        }
    }

    [Fact]
    public void An_object_with_constant_names_is_written_looked_up_and_changed_as_one_with_string_names()
    {
        var names = new[] { "ip", "geo", "country_name", "lat", "lon", "@timestamp" };
        var constants = new LogObject();
        var strings = new LogObject();
        foreach (var name in names)
        {
            constants.Append(new LogName(name), new LogString(name + "-value"));
            strings.Append(name, new LogString(name + "-value"));
        }

        Assert.Equal(Json(strings), Json(constants));
        foreach (var name in names.Append("absent").Append("Geo").Append("ge"))
        {
            Assert.Equal(strings.IndexOf(name), constants.IndexOf(name));
            Assert.Equal(strings.IndexOf(name), constants.IndexOf(new LogName(name)));
        }

        constants.Set(new LogName("geo"), LogLiteral.Null);
        strings.Set("geo", LogLiteral.Null);
        constants.Set(new LogName("added"), LogLiteral.True);
        strings.Set("added", LogLiteral.True);
        constants.ReplaceAt(0, "renamed", LogLiteral.False);
        strings.ReplaceAt(0, "renamed", LogLiteral.False);
        Assert.True(constants.Remove("lat"));
        Assert.True(strings.Remove("lat"));
        Assert.Equal(Json(strings), Json(constants));
        Assert.Equal("{\"renamed\":false,\"geo\":null,\"country_name\":\"country_name-value\",\"lon\":\"lon-value\",\"@timestamp\":\"@timestamp-value\",\"added\":true}",
            Json(constants));
    }

    [Fact]
    public void Get_or_add_object_by_a_constant_name_finds_the_object_keeps_a_producer_value_and_adds_one_when_absent()
    {
        var root = (LogObject)Parse("{\"client\":{\"ip\":\"1.2.3.4\"},\"as\":\"producer\"}").Root;

        var client = root.GetOrAddObject(new LogName("client"), out var clientAdded);
        var producer = root.GetOrAddObject(new LogName("as"), out var producerAdded);
        var geo = root.GetOrAddObject(new LogName("geo"), out var geoAdded);

        Assert.False(clientAdded);
        Assert.Same(root.Get("client"), client);
        Assert.Null(producer);
        Assert.False(producerAdded);
        Assert.True(geoAdded);
        Assert.Same(root.Get("geo"), geo);
        Assert.Equal("{\"client\":{\"ip\":\"1.2.3.4\"},\"as\":\"producer\",\"geo\":{}}", Json(root));
    }

    [Fact]
    public void A_copy_of_a_constant_named_property_has_the_same_name_and_bytes()
    {
        var pool = new LogNodePool();
        var source = pool.Object();
        source.Append(new LogName("city_name"), pool.String("London"));

        var copy = (LogObject)LogNodeCopier.Copy(source, pool);

        Assert.Equal("city_name", copy[0].Name);
        Assert.True(copy[0].TryGetRawName(out var raw));
        Assert.Equal("city_name"u8.ToArray(), raw.ToArray());
        Assert.Equal("{\"city_name\":\"London\"}", Json(copy));
    }

    [Fact]
    public void A_pooled_property_named_by_a_constant_keeps_nothing_of_it_when_reused()
    {
        var pool = new LogNodePool();
        var constant = pool.Property(new LogName("country_iso_code"), LogLiteral.True);

        pool.Reset();
        var byString = pool.Property("n\u00e4me", LogLiteral.False);
        pool.Reset();
        var parsed = pool.Property("k\\u0065y"u8.ToArray(), hasEscapes: true, LogLiteral.Null, first: 'k');

        Assert.Same(constant, byString);
        Assert.Same(constant, parsed);
        Assert.False(parsed.TryGetRawName(out _));
        Assert.Equal("key", parsed.Name);
        Assert.Equal(3, parsed.NameLength);
        Assert.True(parsed.NameEquals("key"));
        Assert.False(parsed.NameEquals("country_iso_code"));

        pool.Reset();
        var again = pool.Property(new LogName("lat"), LogLiteral.True);
        Assert.Same(constant, again);
        Assert.Equal("lat", again.Name);
        Assert.True(again.NameEquals("lat"));
        var written = new LogObject();
        written.AddParsed(again);
        Assert.Equal("{\"lat\":true}", Json(written));
    }

    private static string Json(LogObject obj) => new LogRecord(obj).ToString();

    private static LogRecord Parse(string json) =>
        LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _, 1024, 64)!;
}
