using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class OffsetCacheTests
{
    [Fact]
    public void A_value_is_only_ever_returned_for_the_offset_it_was_kept_under_even_when_offsets_share_a_set()
    {
        // 16 slots for 10,000 offsets: nearly every Set replaces something.
        var cache = new OffsetCache<string>(4);
        for (var offset = 0; offset < 10_000; offset++)
        {
            cache.Set(offset, $"value of {offset}");
            for (var probe = Math.Max(0, offset - 40); probe <= offset; probe++)
            {
                if (cache.TryGet(probe, out var value))
                {
                    Assert.Equal($"value of {probe}", value);
                }
            }

            Assert.True(cache.TryGet(offset, out _));
        }

        Assert.InRange(cache.Count, 1, 16);
    }

    [Fact]
    public void The_value_used_last_in_a_set_stays_when_a_new_one_comes()
    {
        var cache = new OffsetCache<string>(2);
        var (a, b, c) = SameSet();
        cache.Set(a, "a");
        cache.Set(b, "b");

        Assert.True(cache.TryGet(a, out _));
        cache.Set(c, "c");

        Assert.True(cache.TryGet(a, out var kept));
        Assert.Equal("a", kept);
        Assert.False(cache.TryGet(b, out _));
        Assert.True(cache.TryGet(c, out _));
    }

    [Fact]
    public void Threads_reading_and_replacing_at_once_never_see_a_value_under_another_offset()
    {
        var cache = new OffsetCache<string>(3);
        var wrong = 0;
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                var offset = (i * 7 + worker) % 64;
                if (cache.TryGet(offset, out var value))
                {
                    if (value != offset.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                else
                {
                    cache.Set(offset, offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        });

        Assert.Equal(0, wrong);
    }

    /// <summary>Three offsets that fall into one set of a cache of two sets (the cache's own hash: the top bit of
    /// offset × 2^32/φ).</summary>
    private static (int, int, int) SameSet()
    {
        var same = Enumerable.Range(1, 100).Where(o => ((uint)o * 2_654_435_769u >> 31) == (2_654_435_769u >> 31)).Take(3).ToArray();
        return (same[0], same[1], same[2]);
    }
}
