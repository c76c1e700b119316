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
    public void The_four_newest_records_of_a_set_stay_and_the_oldest_goes()
    {
        // Four slots: one set, which every offset maps to.
        var cache = new RecordCache(2);
        for (var offset = 1; offset <= 5; offset++)
        {
            cache.Set(offset * 100, Record(offset * 100));
        }

        Assert.False(cache.TryGet(100, out _));
        Assert.All(new[] { 200, 300, 400, 500 }, offset => Assert.True(cache.TryGet(offset, out _)));
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void Records_that_share_a_set_are_all_kept_while_they_are_no_more_than_its_ways()
    {
        // A cache of 64 slots (16 sets) and four offsets of one set: a set of two ways lost one of any three at every
        // pass over them, although the cache had room for all.
        var cache = new RecordCache(6);
        var target = SetIndex(1, 6);
        var same = Enumerable.Range(1, 10_000).Where(o => SetIndex(o, 6) == target).Take(RecordCache.Ways).ToArray();
        foreach (var offset in same)
        {
            cache.Set(offset, Record(offset));
        }

        for (var pass = 0; pass < 3; pass++)
        {
            Assert.All(same, offset => Assert.True(cache.TryGet(offset, out _)));
        }
    }

    [Fact]
    public void A_cache_smaller_than_one_set_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordCache(1));
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

    // The set of an offset, as RecordCache computes it (the top bits of a Fibonacci hash).
    private static ulong SetIndex(int offset, int bits) => (ulong)((uint)offset * 2_654_435_769u) >> (32 - (bits - 2));

    private static string Name(int offset) => offset.ToString(CultureInfo.InvariantCulture);

    private static GeoAsnRecord Record(int offset) => new(LogLiteral.Number(offset), new GeoText(Name(offset)));
}
