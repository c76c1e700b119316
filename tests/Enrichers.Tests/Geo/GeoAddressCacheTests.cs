using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class GeoAddressCacheTests
{
    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var cache = new GeoAddressCache(100);

        for (uint i = 0; i < 10_000; i++)
        {
            cache.Add(ClientAddress.FromV4(i), Entry(i));
            Assert.InRange(cache.Count, 1, 100);
        }

        Assert.Equal(64, cache.Capacity);
    }

    [Fact]
    public void An_entry_is_only_ever_returned_for_its_own_address()
    {
        // 16 slots for 10,000 addresses: nearly every Add replaces an entry.
        var cache = new GeoAddressCache(16, adaptive: false);
        for (uint i = 0; i < 10_000; i++)
        {
            cache.Add(ClientAddress.FromV4(i), Entry(i));
            for (var probe = i < 40 ? 0 : i - 40; probe <= i; probe++)
            {
                if (cache.TryGet(ClientAddress.FromV4(probe), out var entry))
                {
                    Assert.Equal(Entry(probe).Token0, entry.Token0);
                }
            }

            Assert.True(cache.TryGet(ClientAddress.FromV4(i), out _));
        }

        // The same 128 bits as IPv4 and as IPv6 are two addresses.
        cache.Add(ClientAddress.FromV4(7), Entry(7));
        Assert.False(cache.TryGet(ClientAddress.FromV6(0, 7), out _));
    }

    [Fact]
    public void Two_addresses_of_one_set_are_both_kept()
    {
        var cache = new GeoAddressCache(2);

        cache.Add(ClientAddress.FromV4(1), Entry(1));
        cache.Add(ClientAddress.FromV4(2), Entry(2));

        Assert.True(cache.TryGet(ClientAddress.FromV4(1), out var first));
        Assert.True(cache.TryGet(ClientAddress.FromV4(2), out var second));
        Assert.Equal(Entry(1).Token0, first.Token0);
        Assert.Equal(Entry(2).Token0, second.Token0);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Readers_racing_with_writers_never_see_half_of_one_entry_and_half_of_another()
    {
        // Few slots and many addresses, so readers keep meeting slots being rewritten; every field of an entry is
        // derived from its address, so a torn read would show as a mismatch.
        var cache = new GeoAddressCache(8, adaptive: false);
        var mismatches = 0;
        var reads = 0L;
        Parallel.For(0, Math.Max(4, Environment.ProcessorCount * 2), worker =>
        {
            var random = new Random(worker);
            for (var n = 0; n < 200_000; n++)
            {
                var key = (uint)random.Next(64);
                if (random.Next(2) == 0)
                {
                    cache.Add(ClientAddress.FromV4(key), Entry(key));
                }
                else if (cache.TryGet(ClientAddress.FromV4(key), out var entry))
                {
                    Interlocked.Increment(ref reads);
                    var expected = Entry(key);
                    if (entry.Token0 != expected.Token0 || entry.Token1 != expected.Token1 || entry.Outcome != expected.Outcome)
                    {
                        Interlocked.Increment(ref mismatches);
                    }
                }
            }
        });

        Assert.Equal(0, mismatches);
        Assert.True(reads > 1000, $"only {reads} hits");
        Assert.InRange(cache.Count, 1, 8);
    }

    [Fact]
    public void Distinct_addresses_turn_the_cache_off_and_repeating_ones_turn_it_on_again()
    {
        var cache = new GeoAddressCache(1024);
        uint next = 0;
        Assert.True(cache.Serving);

        // Every address new: the sample lookups never hit, so the others stop using the cache.
        for (var i = 0; i < GeoAddressCache.SampleEvery * GeoAddressCache.SamplesPerVerdict * 2; i++)
        {
            var address = ClientAddress.FromV4(next++);
            if (!cache.TryGet(address, out _))
            {
                cache.Add(address, Entry(address.V4));
            }
        }

        Assert.False(cache.Serving);
        var newcomer = ClientAddress.FromV4(next + 1);
        while (IsSample(cache, newcomer))
        {
            newcomer = ClientAddress.FromV4(newcomer.V4 + 1);
        }

        cache.Add(newcomer, Entry(newcomer.V4));
        Assert.False(cache.TryGet(newcomer, out _));

        // A few clients that keep coming back: the samples among them hit, and the cache serves everyone again.
        var regulars = Enumerable.Range(0, 200).Select(i => ClientAddress.FromV4((uint)i + 1_000_000)).ToArray();
        for (var round = 0; round < 200 && !cache.Serving; round++)
        {
            foreach (var address in regulars)
            {
                if (!cache.TryGet(address, out _))
                {
                    cache.Add(address, Entry(address.V4));
                }
            }
        }

        Assert.True(cache.Serving);
        cache.Add(newcomer, Entry(newcomer.V4));
        Assert.True(cache.TryGet(newcomer, out _));
    }

    [Fact]
    public void A_cache_of_size_zero_stores_nothing()
    {
        var cache = new GeoAddressCache(0);

        cache.Add(ClientAddress.FromV4(1), Entry(1));

        Assert.False(cache.TryGet(ClientAddress.FromV4(1), out _));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Capacity);
    }

    /// <summary>True when <paramref name="address"/> is one of the samples, which use the cache whatever its verdict:
    /// a sample that was added is found again even while the cache does not serve.</summary>
    private static bool IsSample(GeoAddressCache cache, ClientAddress address)
    {
        var probe = new GeoAddressCache(cache.Capacity);
        for (var i = 0; i < GeoAddressCache.SampleEvery * GeoAddressCache.SamplesPerVerdict * 2; i++)
        {
            probe.TryGet(ClientAddress.FromV4(uint.MaxValue - (uint)i), out _);
        }

        probe.Add(address, Entry(address.V4));
        return probe.TryGet(address, out _);
    }

    private static GeoAddressEntry Entry(uint key) =>
        new((byte)(key % 3 + 1), null, null, key * 0x9E3779B97F4A7C15UL, ~(ulong)key);
}
