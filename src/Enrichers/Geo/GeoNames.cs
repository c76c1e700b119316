using System.Collections.Concurrent;

namespace Enrichers.Geo;

/// <summary>One string instance for each of the values that repeat across a City database's records (country
/// codes and names, continent codes, time zones, region codes): MaxMind's reader makes a new string per decode,
/// and the records kept by <see cref="GeoDatabase"/> would otherwise hold a copy each. Bounded, so a database
/// with unexpected content cannot grow it without limit; shared by every database and kept for the process.</summary>
internal static class GeoNames
{
    private const int MaxEntries = 16_384;
    private const int MaxLength = 64;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static string? Shared(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return value;
        }

        if (Pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return Pool.Count < MaxEntries ? Pool.GetOrAdd(value, value) : value;
    }
}
