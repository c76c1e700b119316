namespace Enrichers.Geo;

/// <summary>Recent lookups by address text as received (see <see cref="BoundedCache{TKey, TValue}"/>), read
/// without making a string of the address on a hit.</summary>
internal sealed class GeoLookupCache(int capacity) : BoundedCache<string, GeoLookupResult>(capacity, StringComparer.Ordinal)
{
    /// <summary>As <see cref="BoundedCache{TKey, TValue}.TryGet"/> without a string for the key.</summary>
    public bool TryGet(ReadOnlySpan<char> key, out GeoLookupResult result) => TryGetAlternate(key, out result);
}
