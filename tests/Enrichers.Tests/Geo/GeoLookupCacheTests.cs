using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class GeoLookupCacheTests
{
    private static readonly GeoLookupResult Result = new() { Outcome = GeoLookupResult.Hit };

    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var cache = new GeoLookupCache(100);

        for (var i = 0; i < 10_000; i++)
        {
            cache.Add("k" + i, Result);
            Assert.InRange(cache.Count, 1, 100);
        }
    }

    [Fact]
    public void The_cache_stays_bounded_when_many_threads_add_at_once()
    {
        var cache = new GeoLookupCache(1000);

        Parallel.For(0, 100_000, i => cache.Add("k" + i, Result));

        // Racing writers can add a few entries in the instant of a swap; the bound holds up to that.
        Assert.InRange(cache.Count, 1, 1000 + Environment.ProcessorCount * 2);
    }

    [Fact]
    public void An_entry_in_use_survives_while_others_come_and_go()
    {
        var cache = new GeoLookupCache(10);
        cache.Add("hot", Result);

        for (var i = 0; i < 1000; i++)
        {
            cache.Add("cold" + i, Result);
            Assert.True(cache.TryGet("hot", out _), $"lost after {i} insertions");
        }

        Assert.False(cache.TryGet("cold0", out _));
    }

    [Fact]
    public void A_cache_of_size_zero_stores_nothing()
    {
        var cache = new GeoLookupCache(0);

        cache.Add("k", Result);

        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count);
    }
}
