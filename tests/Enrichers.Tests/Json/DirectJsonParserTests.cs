using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

/// <summary>The direct parser must accept only what the reader-based parse accepts, and build the same nodes; what it
/// gives up on is left to the reader (<see cref="LogRecordParser.TryParseObject"/> is that reader-based parse).</summary>
public sealed class DirectJsonParserTests
{
    private const int MaxDepth = 8;

    [Theory]
    [InlineData("{}")]
    [InlineData(" \r\n\t{ \"a\" : [ 1 , -0.5e-3 , 2E+7 , true , false , null , { } , [ ] ] , \"b\" : { \"c\" : \"d e\" } } \n")]
    [InlineData("{\"a\":1.0,\"b\":12345678901234567890123,\"c\":-0.0e+10,\"d\":0,\"e\":-0}")]
    [InlineData("{\"s\":\"caf\\u00e9 \\\"q\\\" \\/ \\b\\f\\n\\r\\t \\\\\",\"é\":\"é\",\"\":\"\",\"k\\u0041y\":\"\\ud800\"}")]
    [InlineData("{\"dup\":1,\"dup\":2,\"nested\":{\"arr\":[1,[2,{\"x\":[]}],{}],\"o\":{}}}")]
    public void Valid_records_are_parsed_into_the_nodes_the_reader_builds(string json)
    {
        var input = Encoding.UTF8.GetBytes(json);

        var direct = DirectJsonParser.TryParse(input, MaxDepth, pool: null, out _);

        Assert.NotNull(direct);
        AssertSameNodes(LogRecordParser.TryParseObject(input, MaxDepth, pool: null)!, direct);
    }

    [Theory]
    [InlineData("{\"a\":}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":[1,]}")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":.5}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("{\"a\":+1}")]
    [InlineData("{\"a\":1x}")]
    [InlineData("{\"a\":truex}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":nul}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\\u12G4\"}")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("{\"a\":\"open}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":1 /* comment */}")]
    [InlineData("[{\"a\":1}]")]
    [InlineData("\uFEFF{\"a\":1}")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{}}}}}}}}}")]
    public void Input_the_reader_refuses_or_that_is_too_deep_is_left_to_the_reader(string json)
    {
        var input = Encoding.UTF8.GetBytes(json);

        Assert.Null(DirectJsonParser.TryParse(input, MaxDepth, pool: null, out _));
        Assert.Null(LogRecordParser.TryParseObject(input, MaxDepth, pool: null));
    }

    [Fact]
    public void Nesting_up_to_the_bound_is_parsed_directly_and_one_level_more_is_left_to_the_reader()
    {
        var atBound = Encoding.UTF8.GetBytes(Nested(MaxDepth));
        var beyond = Encoding.UTF8.GetBytes(Nested(MaxDepth + 1));

        Assert.NotNull(DirectJsonParser.TryParse(atBound, MaxDepth, pool: null, out _));
        Assert.NotNull(LogRecordParser.TryParseObject(atBound, MaxDepth, pool: null));
        Assert.Null(DirectJsonParser.TryParse(beyond, MaxDepth, pool: null, out _));
        Assert.Null(LogRecordParser.TryParseObject(beyond, MaxDepth, pool: null));
    }

    [Fact]
    public void Random_records_and_damaged_copies_of_them_are_accepted_only_as_the_reader_accepts_them()
    {
        var random = new Random(20261207);
        var json = new RandomJson(seed: 20261207);
        const string Damage = "{}[]\":,\\ \t\n0123456789-+.eEtrufalsn\u0001x\u00e9";
        var accepted = 0;
        var damagedAccepted = 0;
        var damagedRefused = 0;
        for (var i = 0; i < 4000; i++)
        {
            var text = json.Object(maxDepth: 6);
            if (i % 2 == 1)
            {
                // One to three edits: replace, insert or delete a character, or cut the text short.
                var chars = new StringBuilder(text);
                for (var edit = random.Next(1, 4); edit > 0 && chars.Length > 0; edit--)
                {
                    var at = random.Next(chars.Length);
                    switch (random.Next(4))
                    {
                        case 0:
                            chars[at] = Damage[random.Next(Damage.Length)];
                            break;
                        case 1:
                            chars.Insert(at, Damage[random.Next(Damage.Length)]);
                            break;
                        case 2:
                            chars.Remove(at, 1);
                            break;
                        default:
                            chars.Length = at;
                            break;
                    }
                }

                text = chars.ToString();
            }

            var input = Encoding.UTF8.GetBytes(text);
            var direct = DirectJsonParser.TryParse(input, MaxDepth, pool: null, out _);
            var reader = LogRecordParser.TryParseObject(input, MaxDepth, pool: null);
            if (direct is not null)
            {
                Assert.True(reader is not null, $"accepted what the reader refuses: {text}");
                AssertSameNodes(reader, direct);
            }

            if (i % 2 == 0)
            {
                // Undamaged records are valid JSON: the direct parser takes every one of them itself.
                Assert.NotNull(direct);
                accepted++;
            }
            else if (reader is null)
            {
                damagedRefused++;
            }
            else if (direct is not null)
            {
                damagedAccepted++;
            }
        }

        // Both kinds of damaged input occur, so both sides of the comparison were exercised.
        Assert.Equal(2000, accepted);
        Assert.True(damagedRefused > 500, $"{damagedRefused} damaged records refused");
        Assert.True(damagedAccepted > 100, $"{damagedAccepted} damaged records still valid");
    }

    [Fact]
    public void Records_parsed_through_the_session_pool_have_the_same_nodes_as_without_it()
    {
        var pool = new LogNodePool();
        var json = new RandomJson(seed: 31);
        for (var i = 0; i < 500; i++)
        {
            var input = Encoding.UTF8.GetBytes(json.Object(maxDepth: 5));
            pool.Reset();

            var pooled = DirectJsonParser.TryParse(input, MaxDepth, pool, out _);

            Assert.NotNull(pooled);
            AssertSameNodes(LogRecordParser.TryParseObject(input, MaxDepth, pool: null)!, pooled);
        }
    }

    /// <summary>An object holding <paramref name="levels"/> containers in all (itself included), objects and arrays in turn.</summary>
    private static string Nested(int levels, int level = 0)
    {
        var inner = level + 1 < levels ? Nested(levels, level + 1) : "1";
        return level % 2 == 0 ? "{\"a\":" + inner + "}" : "[" + inner + "]";
    }

    private static void AssertSameNodes(LogNode expected, LogNode actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        switch (expected)
        {
            case LogObject o:
            {
                var other = (LogObject)actual;
                Assert.Equal(o.Count, other.Count);
                for (var i = 0; i < o.Count; i++)
                {
                    Assert.True(o[i].TryGetRawName(out var name) == other[i].TryGetRawName(out var otherName));
                    Assert.Equal(name.ToArray(), otherName.ToArray());
                    Assert.Equal(o[i].Name, other[i].Name);
                    Assert.Equal(o[i].AsciiLength, other[i].AsciiLength);
                    Assert.True(o[i].NameEquals(other[i].Name));
                    AssertSameNodes(o[i].Value, other[i].Value);
                }

                break;
            }

            case LogArray a:
            {
                var other = (LogArray)actual;
                Assert.Equal(a.Count, other.Count);
                for (var i = 0; i < a.Count; i++)
                {
                    AssertSameNodes(a[i], other[i]);
                }

                break;
            }

            case LogString s:
            {
                var other = (LogString)actual;
                Assert.True(other.IsRaw);
                Assert.Equal(s.RawHasEscapes, other.RawHasEscapes);
                Assert.Equal(s.RawUtf8.ToArray(), other.RawUtf8.ToArray());
                break;
            }

            case LogLiteral l:
                Assert.Equal(l.RawUtf8.ToArray(), ((LogLiteral)actual).RawUtf8.ToArray());
                Assert.Equal(ReferenceEquals(l, LogLiteral.True) || ReferenceEquals(l, LogLiteral.False) || ReferenceEquals(l, LogLiteral.Null),
                    ReferenceEquals(actual, LogLiteral.True) || ReferenceEquals(actual, LogLiteral.False) || ReferenceEquals(actual, LogLiteral.Null));
                break;
        }
    }
}
