using System.Collections.Concurrent;

namespace Enrichers.Geo;

/// <summary>One <see cref="GeoText"/> for each of the values that repeat across a City database's records (country
/// codes and names, continent codes, time zones, region codes): MaxMind's reader makes a new string per decode, and
/// the records kept by <see cref="GeoDatabase"/> would otherwise hold a copy each, and of its bytes. Bounded, so a
/// database with unexpected content cannot grow it without limit; shared by every database and kept for the
/// process.</summary>
internal static class GeoNames
{
    private const int MaxEntries = 16_384;
    private const int MaxLength = 64;
    private static readonly ConcurrentDictionary<string, GeoText> Pool = new(StringComparer.Ordinal);

    // Counted here: ConcurrentDictionary.Count takes every lock of the dictionary, and a full pool is asked on every
    // value not pooled (docs/geoip.md § Speed).
    private static int _count;

    public static GeoText? Shared(string? value) => value is null ? null : Share(value, null);

    /// <summary>The pooled text of <paramref name="text"/>'s value, or <paramref name="text"/> itself (then pooled
    /// when there is room).</summary>
    public static GeoText? Shared(GeoText? text) => text is null ? null : Share(text.Value, text);

    private static GeoText Share(string value, GeoText? made)
    {
        if (value.Length > MaxLength)
        {
            return made ?? new GeoText(value);
        }

        if (Pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        var text = made ?? new GeoText(value);
        if (Volatile.Read(ref _count) >= MaxEntries)
        {
            return text;
        }

        if (Pool.TryAdd(value, text))
        {
            Interlocked.Increment(ref _count);
            return text;
        }

        return Pool.TryGetValue(value, out shared) ? shared : text;
    }

    /// <summary>A value of one record (a city's name, an AS organisation: each AS has one record): not pooled.</summary>
    public static GeoText? Own(string? value) => value is null ? null : new GeoText(value);
}
