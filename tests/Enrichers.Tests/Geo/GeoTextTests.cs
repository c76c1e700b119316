using System.Buffers;
using System.Text;
using Enrichers.Geo;
using Enrichers.Json;

namespace Enrichers.Tests.Geo;

public sealed class GeoTextTests
{
    public static TheoryData<string> Values => new()
    {
        "GB", "Zürich", "São Paulo", "東京", "Andrews & Arnold Ltd", "A \"quoted\" name", "back\\slash", "tab\there",
        "line\nbreak", "\u0001control", "emoji 🌍", string.Empty,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void A_text_holds_the_bytes_the_json_writer_writes_for_its_value(string value)
    {
        var expected = JsonContent(value);

        var text = new GeoText(value);

        Assert.Equal(expected, text.Utf8.ToArray());
        Assert.Equal(value, text.Value);
        Assert.Equal(expected.Contains((byte)'\\'), text.HasEscapes);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void A_text_read_from_database_bytes_equals_one_made_from_the_string(string value)
    {
        var text = GeoText.FromUtf8(Encoding.UTF8.GetBytes(value));

        Assert.Equal(JsonContent(value), text.Utf8.ToArray());
        Assert.Equal(value, text.Value);
    }

    [Fact]
    public void Invalid_utf8_from_a_database_is_written_as_the_string_it_decodes_to()
    {
        var text = GeoText.FromUtf8([(byte)'a', 0xC3, (byte)'b']);

        Assert.Equal("a\uFFFDb", text.Value);
        Assert.Equal(JsonContent("a\uFFFDb"), text.Utf8.ToArray());
    }

    /// <summary>The content of the JSON string the record writer makes of <paramref name="value"/>, without quotes.</summary>
    private static byte[] JsonContent(string value)
    {
        var output = new ArrayBufferWriter<byte>();
        var json = new JsonOutput(output, 64);
        json.WriteString(value);
        json.Flush();
        return output.WrittenSpan[1..^1].ToArray();
    }
}
