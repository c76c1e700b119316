namespace Enrichers.Geo;

/// <summary>The databases in use and the cache of lookups made on them. A reload makes a new generation
/// (so the cache starts empty) and retires the old one; lookups hold a reference while they read, and the
/// readers are released when the last one finishes.</summary>
internal sealed class GeoIpGeneration
{
    // One reference belongs to the enricher while this generation is current.
    private int _references = 1;

    public GeoIpGeneration(GeoDatabase? city, GeoDatabase? asn, int cacheSize)
    {
        City = city;
        Asn = asn;
        Cache = new GeoAddressCache(cacheSize);
    }

    public GeoDatabase? City { get; }

    public GeoDatabase? Asn { get; }

    public GeoAddressCache Cache { get; }

    public bool HasDatabase => City is not null || Asn is not null;

    /// <summary>Asks the processor for the first read of the lookup of <paramref name="address"/> in each database,
    /// without waiting for it (a hint: nothing is read, so no reference is taken).</summary>
    public void PrefetchV4(uint address)
    {
        City?.PrefetchV4(address);
        Asn?.PrefetchV4(address);
    }

    /// <summary>Takes a reference for a lookup; false once the generation is retired and drained (the
    /// caller then reads the current generation again).</summary>
    public bool TryAcquire()
    {
        var seen = Volatile.Read(ref _references);
        while (seen > 0)
        {
            var was = Interlocked.CompareExchange(ref _references, seen + 1, seen);
            if (was == seen)
            {
                return true;
            }

            seen = was;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            City?.Release();
            Asn?.Release();
        }
    }
}
