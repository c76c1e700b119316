using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public sealed class PropertyNameTableTests
{
    // Names of every length class the table reads differently: up to 3 bytes, 4 to 7, 8 to 16, over 16.
    private static readonly string[] Names =
        ["a", "ab", "abc", "abcd", "level", "abcdefg", "abcdefgh", "@timestamp", "service_name", "abcdefghijklmnop", "observed_time_unix_nano", "caf\u00e9", "\u00e9t\u00e9_longer_than_sixteen"];

    private static readonly PropertyNameTable Table = new(Names.Select((name, i) => (name, i)));

    /// <summary>The record's root object parsed from <paramref name="json"/>: its names come as the parser gives them.</summary>
    private static LogObject Parse(string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection);
        Assert.True(record is not null, rejection?.Reason);
        return record.Root;
    }

    public static TheoryData<string> NameData() => new(Names);

    [Theory]
    [MemberData(nameof(NameData))]
    public void Every_name_is_found_as_parsed_escaped_and_set_as_a_string(string name)
    {
        var number = Array.IndexOf(Names, name);
        var escaped = string.Concat(name.Select(c => $"\\u{(int)c:x4}"));

        Assert.Equal(number, Table.Find(Parse($"{{\"{name}\":1}}").PropertySpan[0]));
        Assert.Equal(number, Table.Find(Parse($"{{\"{escaped}\":1}}").PropertySpan[0]));
        Assert.Equal(number, Table.Find(new LogProperty(name, LogLiteral.True)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("b")]
    [InlineData("ba")]
    [InlineData("abd")]
    [InlineData("Level")]
    [InlineData("leve")]
    [InlineData("levels")]
    [InlineData("abcdefgi")]
    [InlineData("@timestamq")]
    [InlineData("service-name")]
    [InlineData("abcdefghijklmnoq")]
    [InlineData("abcdefghijklmnopq")]
    [InlineData("observed_time_unix_nanO")]
    [InlineData("observed_tim3_unix_nano")]
    [InlineData("caf\u00c9")]
    [InlineData("cafe")]
    [InlineData("\u00e9t\u00e9_longer_than_sixteeN")]
    public void A_name_differing_in_any_byte_or_in_length_is_not_found(string name)
    {
        Assert.Equal(-1, Table.Find(Parse($"{{\"{name}\":1}}").PropertySpan[0]));
        Assert.Equal(-1, Table.Find(new LogProperty(name, LogLiteral.True)));
    }

    [Fact]
    public void Names_that_share_their_first_and_last_eight_bytes_are_told_apart_by_the_bytes_between()
    {
        var table = new PropertyNameTable([("abcdefgh_1_ijklmnop", 0), ("abcdefgh_2_ijklmnop", 1)]);

        Assert.Equal(1, table.Find(Parse("{\"abcdefgh_2_ijklmnop\":1}").PropertySpan[0]));
        Assert.Equal(-1, table.Find(Parse("{\"abcdefgh_3_ijklmnop\":1}").PropertySpan[0]));
    }

    [Fact]
    public void A_name_given_twice_keeps_its_first_number_and_numbers_may_repeat()
    {
        var table = new PropertyNameTable([("error.type", 3), ("error_type", 3), ("error.type", 7)]);

        Assert.Equal(3, table.Find(new LogProperty("error.type", LogLiteral.True)));
        Assert.Equal(3, table.Find(new LogProperty("error_type", LogLiteral.True)));
    }

    [Fact]
    public void An_empty_table_finds_nothing()
    {
        Assert.Equal(-1, new PropertyNameTable([]).Find(Parse("{\"a\":1}").PropertySpan[0]));
    }

    [Fact]
    public void Many_names_are_all_found_and_others_are_not()
    {
        var names = Enumerable.Range(0, 500).Select(i => $"field_{i}").ToArray();
        var table = new PropertyNameTable(names.Select((name, i) => (name, i)));
        var root = Parse("{" + string.Join(',', names.Select(n => $"\"{n}\":1")) + ",\"field_500\":1,\"field_\":1}");

        Assert.Equal(Enumerable.Range(0, 500).Append(-1).Append(-1), root.PropertySpan.ToArray().Select(table.Find));
    }
}
