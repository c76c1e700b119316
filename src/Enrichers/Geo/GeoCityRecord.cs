using Enrichers.Json;
using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>What the enricher writes from one City database record, decoded by MaxMind's reader
/// (<c>Reader.Find&lt;GeoCityRecord&gt;</c>) with only these fields, and kept per record by
/// <see cref="GeoDatabase"/>: immutable, so one instance serves every network that points to the record.
/// The values are those of GeoIP2's <c>CityResponse</c> (English names, the most specific subdivision). It is also the
/// deferred content of the <c>client.geo</c> objects written from it (<see cref="LogObject.Defer"/>): they write the
/// record's texts, and make nodes of them only when read.</summary>
internal sealed class GeoCityRecord : GeoRecord, IDeferredMembers
{
    // The client.geo object rendered once: a deferred object (nearly every one the pipeline writes) is one copy of
    // these bytes, which lie together, instead of a member per text and coordinate read from objects spread over the
    // heap, each a likely cache miss with distinct addresses. The coordinates are slices of it, made into literals only
    // when a geo object's nodes are asked for, which pays for most of the copy (docs/geoip.md § Memory).
    private readonly byte[] _json;
    private readonly int _latitudeAt;
    private readonly int _longitudeAt;
    private readonly byte _latitudeLength;
    private readonly byte _longitudeLength;
    private LogLiteral? _latitude;
    private LogLiteral? _longitude;

    [Constructor]
    public GeoCityRecord(
        [MapKey("continent")] MaxMindPlace? continent,
        [MapKey("country")] MaxMindPlace? country,
        [MapKey("subdivisions")] List<MaxMindPlace>? subdivisions,
        [MapKey("city")] MaxMindPlace? city,
        [MapKey("location")] MaxMindLocation? location)
        : this(continent, country, subdivisions is { Count: > 0 } ? subdivisions[^1] : null, city, location, poolNames: true)
    {
    }

    /// <summary>As read by <see cref="MaxMindRecordReader"/>, whose places already hold their texts pooled and are
    /// kept by offset, so a record costs no look-up by value.</summary>
    /// <param name="subdivision">The most specific subdivision (the last one).</param>
    /// <param name="poolNames">True for places made by MaxMind's reader (one per record): values shared by many records
    /// are then kept once here (<see cref="GeoNames"/>); a city's name mostly is its record's own.</param>
    public GeoCityRecord(MaxMindPlace? continent, MaxMindPlace? country, MaxMindPlace? subdivision, MaxMindPlace? city,
        MaxMindLocation? location, bool poolNames)
    {
        CountryIsoCodeText = poolNames ? GeoNames.Shared(country?.IsoCode) : country?.IsoCode;
        CountryNameText = poolNames ? GeoNames.Shared(country?.Name) : country?.Name;
        CityNameText = city?.Name;
        RegionIsoCodeText = CountryIsoCodeText is { } countryCode ? subdivision?.RegionIn(countryCode) : null;
        ContinentCodeText = poolNames ? GeoNames.Shared(continent?.Code) : continent?.Code;
        TimeZoneText = location?.TimeZone;
        Span<byte> latitude = stackalloc byte[LogLiteral.MaxNumberLength];
        Span<byte> longitude = stackalloc byte[LogLiteral.MaxNumberLength];
        if (location is { Latitude: { } lat, Longitude: { } lon } && double.IsFinite(lat) && double.IsFinite(lon))
        {
            // As a number node holds a double (GeoCoordinate writes the same bytes as LogLiteral.FormatNumber, cheaper),
            // so the rendered object and its nodes write the same bytes.
            latitude = latitude[..GeoCoordinate.Format(lat, latitude)];
            longitude = longitude[..GeoCoordinate.Format(lon, longitude)];
        }
        else
        {
            latitude = default;
            longitude = default;
        }

        _json = GeoFieldWriter.RenderGeo(this, latitude, longitude, out _latitudeAt, out _longitudeAt);
        _latitudeLength = (byte)latitude.Length;
        _longitudeLength = (byte)longitude.Length;
    }

    public string? CountryIsoCode => CountryIsoCodeText?.Value;

    public string? CountryName => CountryNameText?.Value;

    public string? CityName => CityNameText?.Value;

    /// <summary>ECS form: country and subdivision code, <c>GB-ENG</c>.</summary>
    public string? RegionIsoCode => RegionIsoCodeText?.Value;

    public string? ContinentCode => ContinentCodeText?.Value;

    public string? TimeZone => TimeZoneText?.Value;

    /// <summary>The values as written into a record (see <see cref="GeoText"/>).</summary>
    public GeoText? CountryIsoCodeText { get; }

    public GeoText? CountryNameText { get; }

    public GeoText? CityNameText { get; }

    public GeoText? RegionIsoCodeText { get; }

    public GeoText? ContinentCodeText { get; }

    public GeoText? TimeZoneText { get; }

    /// <summary>Set (with <see cref="Longitude"/>) only when both coordinates are finite numbers.</summary>
    public LogLiteral? Latitude => _latitudeLength == 0 ? null
        : _latitude ??= LogLiteral.FromRaw(LogNodeKind.Number, _json.AsMemory(_latitudeAt, _latitudeLength));

    public LogLiteral? Longitude => _longitudeLength == 0 ? null
        : _longitude ??= LogLiteral.FromRaw(LogNodeKind.Number, _json.AsMemory(_longitudeAt, _longitudeLength));

    /// <summary>The <c>client.geo</c> object of this record as written, braces included (see
    /// <see cref="GeoFieldWriter.RenderGeo"/>).</summary>
    public ReadOnlySpan<byte> Json => _json;

    /// <summary>True when the record gives any field (region alone does not count, as before).</summary>
    public bool HasFields => CountryIsoCodeText is not null || CountryNameText is not null || CityNameText is not null
        || ContinentCodeText is not null || TimeZoneText is not null || Latitude is not null;

    void IDeferredMembers.WriteTo(ref JsonOutput output) => output.WriteRaw(_json);

    void IDeferredMembers.AppendTo(LogObject target) => GeoFieldWriter.AppendGeo(this, target);
}
