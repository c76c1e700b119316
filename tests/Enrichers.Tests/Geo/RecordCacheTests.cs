using System.Globalization;
using Enrichers.Geo;
using Enrichers.Json;

namespace Enrichers.Tests.Geo;

public sealed class RecordCacheTests
{
    [Fact]
    public void A_record_is_only_ever_returned_for_the_offset_it_was_kept_under_even_when_offsets_share_a_set()
    {
        // 16 slots for 10,000 offsets: nearly every Set replaces something.
        var cache = new RecordCache(4);
        for (var offset = 0; offset < 10_000; offset++)
        {
            cache.Set(offset, Record(offset));
            for (var probe = Math.Max(0, offset - 40); probe <= offset; probe++)
            {
                if (cache.TryGet(probe, out var value))
                {
                    Assert.Equal(Name(probe), ((GeoAsnRecord)value!).OrganizationName);
                    Assert.Equal(probe, ((GeoAsnRecord)value).Offset);
                }
            }

            Assert.True(cache.TryGet(offset, out _));
        }

        Assert.InRange(cache.Count, 1, 16);
    }

    [Fact]
    public void Offset_zero_is_found_once_kept_and_not_before()
    {
        // The first record of a data section lies at offset 0: an empty slot must not pass for it.
        var cache = new RecordCache(4);
        Assert.False(cache.TryGet(0, out _));

        cache.Set(0, Record(0));

        Assert.True(cache.TryGet(0, out var kept));
        Assert.Equal(0, ((GeoAsnRecord)kept!).Offset);
    }

    [Fact]
    public void Values_of_other_types_are_kept_by_offset_too()
    {
        var cache = new RecordCache(4);
        var value = new Dictionary<string, object> { ["n"] = 1 };
        cache.Set(12, value);

        Assert.True(cache.TryGet(12, out var kept));
        Assert.Same(value, kept);
        Assert.False(cache.TryGet(13, out _));
    }

    [Fact]
    public void The_two_newest_records_of_a_set_stay_and_the_oldest_goes()
    {
        var cache = new RecordCache(2);
        var same = Enumerable.Range(1, 100).Where(o => ((uint)o * 2_654_435_769u >> 31) == (2_654_435_769u >> 31)).Take(3).ToArray();
        cache.Set(same[0], Record(same[0]));
        cache.Set(same[1], Record(same[1]));
        cache.Set(same[2], Record(same[2]));

        Assert.False(cache.TryGet(same[0], out _));
        Assert.True(cache.TryGet(same[1], out _));
        Assert.True(cache.TryGet(same[2], out _));
    }

    [Fact]
    public void Threads_reading_and_replacing_at_once_never_see_a_record_under_another_offset()
    {
        var cache = new RecordCache(3);
        var wrong = 0;
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                var offset = (i * 7 + worker) % 64;
                if (cache.TryGet(offset, out var value))
                {
                    if (((GeoAsnRecord)value!).OrganizationName != Name(offset))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                else
                {
                    cache.Set(offset, Record(offset));
                }
            }
        });

        Assert.Equal(0, wrong);
    }

    private static string Name(int offset) => offset.ToString(CultureInfo.InvariantCulture);

    private static GeoAsnRecord Record(int offset) => new(LogLiteral.Number(offset), new GeoText(Name(offset)));
}
