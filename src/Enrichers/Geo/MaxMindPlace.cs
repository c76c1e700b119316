using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>A continent, country, subdivision or city of a City database record: only its code and English
/// name (the geoname id, confidence and other locales are skipped by the reader), as the texts written. A place
/// reached through a pointer is kept by its offset (<see cref="DecodedValues"/>), so what it holds is made once
/// for every record that points to it.</summary>
internal sealed class MaxMindPlace
{
    private RegionText? _region;

    [Constructor]
    public MaxMindPlace([MapKey("iso_code")] string? isoCode, [MapKey("code")] string? code,
        [MapKey("names")] MaxMindNames? names)
        : this(isoCode is null ? null : new GeoText(isoCode), code is null ? null : new GeoText(code), names?.English, shareName: false)
    {
    }

    /// <param name="shareName">False for a city, whose name is mostly its own (and for MaxMind's reader, which does not
    /// say what the place is: <see cref="GeoCityRecord"/> pools those names); the codes and the names of countries,
    /// continents and subdivisions repeat over many places and records and are pooled (<see cref="GeoNames"/>).</param>
    public MaxMindPlace(GeoText? isoCode, GeoText? code, GeoText? name, bool shareName)
    {
        IsoCode = GeoNames.Shared(isoCode);
        Code = GeoNames.Shared(code);
        Name = shareName ? GeoNames.Shared(name) : name;
    }

    /// <summary><c>iso_code</c> of a country or subdivision.</summary>
    public GeoText? IsoCode { get; }

    /// <summary><c>code</c> of a continent.</summary>
    public GeoText? Code { get; }

    public GeoText? Name { get; }

    /// <summary>The ECS region code of this subdivision in <paramref name="country"/> (<c>GB-ENG</c>), made once and
    /// kept: a subdivision lies in one country, so every record that points to it asks for the same one.</summary>
    public GeoText? RegionIn(GeoText country)
    {
        if (IsoCode is null)
        {
            return null;
        }

        // Read once: another thread may replace it (with an equal value) meanwhile.
        var region = Volatile.Read(ref _region);
        if (region is null || !ReferenceEquals(region.Country, country))
        {
            region = new RegionText(country, GeoNames.Shared($"{country.Value}-{IsoCode.Value}")!);
            Volatile.Write(ref _region, region);
        }

        return region.Text;
    }

    private sealed record RegionText(GeoText Country, GeoText Text);
}
