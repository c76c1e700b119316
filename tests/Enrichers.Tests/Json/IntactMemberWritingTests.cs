using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

/// <summary>Members the input wrote compactly, whose values no enricher changed, are written as their input bytes
/// (runs of them in one copy): whatever enrichers do to a record, the output must be what writing it node by node
/// gives. The reader-based parse keeps no member bytes, so a record parsed by it is written node by node.</summary>
public sealed class IntactMemberWritingTests
{
    private static LogObject Parse(string json) =>
        DirectJsonParser.TryParse(Encoding.UTF8.GetBytes(json), 16, pool: null, out _) ?? throw new InvalidOperationException(json);

    private static string Write(LogObject root) => new LogRecord(root).ToString();

    [Fact]
    public void Compact_scalar_members_are_intact_until_their_value_changes()
    {
        var root = Parse("{\"a\":\"x\",\"n\":12345,\"t\":true, \"s\" :\"y\",\"o\":{\"k\":\"v\"},\"w\": 1}");

        Assert.True(root[0].TryGetIntactMember(out var a));
        Assert.Equal("\"a\":\"x\"", Encoding.UTF8.GetString(a));
        Assert.True(root[1].TryGetIntactMember(out var n));
        Assert.Equal("\"n\":12345", Encoding.UTF8.GetString(n));
        Assert.True(root[2].TryGetIntactMember(out _));
        Assert.False(root[3].TryGetIntactMember(out _));
        Assert.False(root[4].TryGetIntactMember(out _));
        Assert.True(((LogObject)root[4].Value)[0].TryGetIntactMember(out _));
        Assert.False(root[5].TryGetIntactMember(out _), "whitespace after the colon");

        ((LogString)root[0].Value).Value = "x";
        root[1].Value = LogLiteral.Number(12345);
        root[2].Value = LogLiteral.False;

        Assert.False(root[0].TryGetIntactMember(out _));
        Assert.True(root[1].TryGetIntactMember(out _), "a literal of the same text writes the same bytes");
        Assert.False(root[2].TryGetIntactMember(out _));
    }

    [Fact]
    public void A_value_replaced_and_put_back_is_intact_again_and_a_string_changed_after_being_put_in_place_is_not()
    {
        var root = Parse("{\"a\":\"x\",\"b\":\"y\",\"c\":7}");
        var a = (LogString)root[0].Value;

        root[0].Value = LogLiteral.Null;
        Assert.False(root[0].TryGetIntactMember(out _));
        root[0].Value = a;
        Assert.True(root[0].TryGetIntactMember(out _), "the parsed node over the same bytes, unchanged");

        // An equal node of its own over the same input bytes writes those bytes, until it is changed in place.
        var copy = a.Copy(pool: null);
        root[0].Value = copy;
        Assert.True(root[0].TryGetIntactMember(out _));
        copy.SetUnescapedUtf8("z"u8.ToArray());
        Assert.False(root[0].TryGetIntactMember(out _));
        Assert.Equal("{\"a\":\"z\",\"b\":\"y\",\"c\":7}", Write(root));

        // A string changed in place, set again as the same node, stays changed.
        ((LogString)root[1].Value).Value = "w";
        root[1].Value = root[1].Value;
        Assert.False(root[1].TryGetIntactMember(out _));
        Assert.Equal("{\"a\":\"z\",\"b\":\"w\",\"c\":7}", Write(root));
    }

    [Fact]
    public void A_changed_string_in_the_middle_is_written_in_its_place_between_members_as_they_came()
    {
        var root = Parse("{\"a\":\"x\",\"b\":\"secret\",\"c\":3,\"d\":true}");

        ((LogString)root[1].Value).Value = "[masked]";

        Assert.Equal("{\"a\":\"x\",\"b\":\"[masked]\",\"c\":3,\"d\":true}", Write(root));
    }

    [Fact]
    public void A_string_rebuilt_as_bytes_in_place_is_written_as_rebuilt()
    {
        var root = Parse("{\"a\":\"mail jane@example.com now\",\"b\":1}");

        ((LogString)root[0].Value).SetUnescapedUtf8("mail [email] now"u8.ToArray());

        Assert.Equal("{\"a\":\"mail [email] now\",\"b\":1}", Write(root));
    }

    [Fact]
    public void Values_of_the_same_length_swapped_between_members_are_written_where_they_now_are()
    {
        var root = Parse("{\"a\":\"one\",\"b\":\"two\",\"n\":12,\"m\":34}");

        (root[0].Value, root[1].Value) = (root[1].Value, root[0].Value);
        (root[2].Value, root[3].Value) = (root[3].Value, root[2].Value);

        Assert.Equal("{\"a\":\"two\",\"b\":\"one\",\"n\":34,\"m\":12}", Write(root));
    }

    [Fact]
    public void Removed_moved_and_appended_members_leave_the_others_as_they_came_with_one_comma_each()
    {
        var root = Parse("{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":\"y\",\"e\":2.50}");

        root.RemoveAt(2);
        var first = root[0];
        root.RemoveAt(0);
        root.Set(first.Name, first.Value);
        root.Set("added", "z");

        Assert.Equal("{\"b\":\"x\",\"d\":\"y\",\"e\":2.50,\"a\":1,\"added\":\"z\"}", Write(root));
    }

    [Fact]
    public void Members_with_whitespace_or_container_values_are_written_node_by_node_between_intact_ones()
    {
        var root = Parse("{\"a\":1, \"b\" : \"x\",\"c\":{\"d\":\"e\",\"f\":[1,2]},\"g\":\"h\"}");

        ((LogObject)root[2].Value).Set("d", "E");

        Assert.Equal("{\"a\":1,\"b\":\"x\",\"c\":{\"d\":\"E\",\"f\":[1,2]},\"g\":\"h\"}", Write(root));
    }

    [Fact]
    public void Random_records_changed_at_random_are_written_as_node_by_node_writing_gives()
    {
        var json = new RandomJson(seed: 1207);
        var random = new Random(1207);
        var changed = 0;
        for (var i = 0; i < 3000; i++)
        {
            var text = json.Object(maxDepth: 4);
            var input = Encoding.UTF8.GetBytes(text);
            var intact = DirectJsonParser.TryParse(input, 16, pool: null, out _)!;
            var plain = LogRecordParser.TryParseObject(input, 16, pool: null)!;
            var edits = random.Next(0, 4);
            for (var e = 0; e < edits; e++)
            {
                // The same edit on both trees: the same seed picks the same places.
                var seed = random.Next();
                Edit(intact, new Random(seed));
                Edit(plain, new Random(seed));
                changed++;
            }

            Assert.Equal(Write(plain), Write(intact));
        }

        Assert.True(changed > 3000);
    }

    /// <summary>One change at a random place of the object: a string changed, a value moved to another member, a
    /// member removed or appended, recursing into a child object now and then.</summary>
    private static void Edit(LogObject obj, Random random)
    {
        if (obj.Count == 0)
        {
            obj.Set("new", "v");
            return;
        }

        var i = random.Next(obj.Count);
        var j = random.Next(obj.Count);
        switch (random.Next(6))
        {
            case 0 when obj[i].Value is LogString s:
                s.Value = "changed";
                break;
            case 1:
                (obj[i].Value, obj[j].Value) = (obj[j].Value, obj[i].Value);
                break;
            case 2:
                obj.RemoveAt(i);
                break;
            case 3:
                obj.Set("appended" + i, obj[j].Value);
                break;
            case 4 when obj[i].Value is LogObject child:
                Edit(child, random);
                break;
            default:
                obj[i].Value = LogLiteral.Number(i);
                break;
        }
    }
}
