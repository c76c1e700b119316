using System.Reflection;
using System.Text;
using Enrichers.Json;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public class TraceFieldsTests
{
    // Every name trace linking reads, as FieldNames spells it: TraceFields keeps the names twice (the lists behind
    // its first-byte filter and the switch on length that places them), so a name in one and not the other would
    // silently never be found.
    private static readonly string[] Names =
    [
        FieldNames.Trace, FieldNames.TraceIdCamel, FieldNames.SpanId, FieldNames.Request, FieldNames.TraceId,
        FieldNames.TraceDotId, FieldNames.TraceSeq, FieldNames.Timestamp, FieldNames.ServiceName,
        FieldNames.RequestHeaders, FieldNames.TraceElapsedMs, FieldNames.TraceRootService,
        FieldNames.B3Single, FieldNames.Traceparent, FieldNames.B3SpanId, FieldNames.B3TraceId,
        FieldNames.B3Single.ToUpperInvariant(), FieldNames.Traceparent.ToUpperInvariant(),
        FieldNames.B3SpanId.ToUpperInvariant(), FieldNames.B3TraceId.ToUpperInvariant(),
    ];

    public static TheoryData<string> NamesRead => new(Names);

    [Theory]
    [MemberData(nameof(NamesRead))]
    public void Every_name_trace_linking_reads_is_found_at_its_place(string name)
    {
        var placed = Placed(Find($"{{\"level\":\"info\",\"{name}\":\"x\"}}"));

        Assert.Equal([1], placed);
    }

    [Theory]
    [MemberData(nameof(NamesRead))]
    public void A_name_written_with_an_escape_is_found_as_its_decoded_text(string name)
    {
        var escaped = $"\\u{(int)name[0]:x4}{name[1..]}";

        var placed = Placed(Find($"{{\"level\":\"info\",\"{escaped}\":\"x\"}}"));

        Assert.Equal([1], placed);
    }

    [Theory]
    [MemberData(nameof(NamesRead))]
    public void A_name_an_earlier_step_set_as_text_is_found_at_its_place(string name)
    {
        var record = LogRecordParser.TryParse("{\"level\":\"info\"}"u8.ToArray(), out _)!;
        record.Root.Set(name, new LogString("x"));

        var placed = Placed(TraceFields.Find(record.Root, new byte[TraceFields.ScratchLength]));

        Assert.Equal([1], placed);
    }

    [Theory]
    [MemberData(nameof(NamesRead))]
    public void A_name_of_the_same_length_and_first_character_that_differs_after_it_is_not_placed(string name)
    {
        // Past the filter on length and first character, only the whole name decides.
        var lookAlike = name[0] + new string('q', name.Length - 1);

        Assert.Empty(Placed(Find($"{{\"{lookAlike}\":\"x\",\"{name[..^1]}\u00e9\":\"x\"}}")));
    }

    [Fact]
    public void Every_place_has_a_name_that_fills_it()
    {
        var filled = new HashSet<string>();
        foreach (var name in Names)
        {
            var fields = Find($"{{\"{name}\":\"x\"}}");
            filled.UnionWith(Fields().Where(f => (int)f.GetValue(fields)! == 0).Select(f => f.Name));
        }

        Assert.Equal(Fields().Select(f => f.Name).Order(), filled.Order());
    }

    private static object Find(string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
        return TraceFields.Find(record.Root, new byte[TraceFields.ScratchLength]);
    }

    private static FieldInfo[] Fields() => typeof(TraceFields).GetFields(BindingFlags.Public | BindingFlags.Instance);

    // The indexes the struct's places hold, other than "absent".
    private static int[] Placed(object fields) =>
        Fields().Select(f => (int)f.GetValue(fields)!).Where(i => i >= 0).ToArray();
}
