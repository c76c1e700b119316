using Enrichers.Json;
using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>What the enricher writes from one City database record, decoded by MaxMind's reader
/// (<c>Reader.Find&lt;GeoCityRecord&gt;</c>) with only these fields, and kept per record by
/// <see cref="GeoDatabase"/>: immutable, so one instance serves every network that points to the record.
/// The values are those of GeoIP2's <c>CityResponse</c> (English names, the most specific subdivision).</summary>
internal sealed class GeoCityRecord
{
    [Constructor]
    public GeoCityRecord(
        [MapKey("continent")] MaxMindPlace? continent,
        [MapKey("country")] MaxMindPlace? country,
        [MapKey("subdivisions")] List<MaxMindPlace>? subdivisions,
        [MapKey("city")] MaxMindPlace? city,
        [MapKey("location")] MaxMindLocation? location)
    {
        // Values shared by many records are kept once (GeoNames); a city's name mostly is its record's own.
        CountryIsoCode = GeoNames.Shared(country?.IsoCode);
        CountryName = GeoNames.Shared(country?.Name);
        CityName = city?.Name;
        var subdivision = subdivisions is { Count: > 0 } ? subdivisions[^1].IsoCode : null;
        RegionIsoCode = CountryIsoCode is not null && subdivision is not null ? GeoNames.Shared($"{CountryIsoCode}-{subdivision}") : null;
        ContinentCode = GeoNames.Shared(continent?.Code);
        TimeZone = GeoNames.Shared(location?.TimeZone);
        if (location is { Latitude: { } lat, Longitude: { } lon } && double.IsFinite(lat) && double.IsFinite(lon))
        {
            Latitude = LogLiteral.Number(lat);
            Longitude = LogLiteral.Number(lon);
        }
    }

    public string? CountryIsoCode { get; }

    public string? CountryName { get; }

    public string? CityName { get; }

    /// <summary>ECS form: country and subdivision code, <c>GB-ENG</c>.</summary>
    public string? RegionIsoCode { get; }

    public string? ContinentCode { get; }

    public string? TimeZone { get; }

    /// <summary>Set (with <see cref="Longitude"/>) only when both coordinates are finite numbers.</summary>
    public LogLiteral? Latitude { get; }

    public LogLiteral? Longitude { get; }

    /// <summary>True when the record gives any field (region alone does not count, as before).</summary>
    public bool HasFields => CountryIsoCode is not null || CountryName is not null || CityName is not null
        || ContinentCode is not null || TimeZone is not null || Latitude is not null;
}
