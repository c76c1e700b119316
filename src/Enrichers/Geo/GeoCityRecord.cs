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
    // What a record keeps is its client.geo object rendered once and which fields it has: a deferred object (nearly
    // every one the pipeline writes) is one copy of these bytes, which lie together, instead of a member per text and
    // coordinate read from objects spread over the heap, each a likely cache miss with distinct addresses. The texts
    // and coordinates as values are read back from it when first asked for (GeoCityValues): keeping them too made each
    // record larger, and the record cache's size is bounded by memory (docs/geoip.md § Cache).
    private const int LocationBit = 1 << GeoFieldWriter.GeoTextCount;

    // The region alone does not make a record worth writing (as before).
    private const int FieldBits = ((1 << (GeoFieldWriter.GeoTextCount + 1)) - 1) & ~(1 << GeoFieldWriter.RegionIndex);

    private readonly byte[] _json;
    private readonly byte _present;
    private GeoCityValues? _values;

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
        var texts = new GeoTextArray();
        var countryCode = poolNames ? GeoNames.Shared(country?.IsoCode) : country?.IsoCode;
        texts[GeoFieldWriter.CountryIsoCodeIndex] = countryCode;
        texts[GeoFieldWriter.CountryNameIndex] = poolNames ? GeoNames.Shared(country?.Name) : country?.Name;
        texts[GeoFieldWriter.CityNameIndex] = city?.Name;
        texts[GeoFieldWriter.RegionIndex] = countryCode is not null ? subdivision?.RegionIn(countryCode) : null;
        texts[GeoFieldWriter.ContinentCodeIndex] = poolNames ? GeoNames.Shared(continent?.Code) : continent?.Code;
        texts[GeoFieldWriter.TimeZoneIndex] = location?.TimeZone;
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

        var present = latitude.IsEmpty ? 0 : LocationBit;
        for (var i = 0; i < GeoFieldWriter.GeoTextCount; i++)
        {
            present |= texts[i] is null ? 0 : 1 << i;
        }

        _present = (byte)present;
        _json = GeoFieldWriter.RenderGeo(texts, latitude, longitude);
    }

    public string? CountryIsoCode => CountryIsoCodeText?.Value;

    public string? CountryName => CountryNameText?.Value;

    public string? CityName => CityNameText?.Value;

    /// <summary>ECS form: country and subdivision code, <c>GB-ENG</c>.</summary>
    public string? RegionIsoCode => RegionIsoCodeText?.Value;

    public string? ContinentCode => ContinentCodeText?.Value;

    public string? TimeZone => TimeZoneText?.Value;

    /// <summary>The values as written into a record (see <see cref="GeoText"/>).</summary>
    public GeoText? CountryIsoCodeText => Text(GeoFieldWriter.CountryIsoCodeIndex);

    public GeoText? CountryNameText => Text(GeoFieldWriter.CountryNameIndex);

    public GeoText? CityNameText => Text(GeoFieldWriter.CityNameIndex);

    public GeoText? RegionIsoCodeText => Text(GeoFieldWriter.RegionIndex);

    public GeoText? ContinentCodeText => Text(GeoFieldWriter.ContinentCodeIndex);

    public GeoText? TimeZoneText => Text(GeoFieldWriter.TimeZoneIndex);

    /// <summary>Set (with <see cref="Longitude"/>) only when both coordinates are finite numbers.</summary>
    public LogLiteral? Latitude => (_present & LocationBit) == 0 ? null : Values.Latitude;

    public LogLiteral? Longitude => (_present & LocationBit) == 0 ? null : Values.Longitude;

    /// <summary>The <c>client.geo</c> object of this record as written, braces included (see
    /// <see cref="GeoFieldWriter.RenderGeo"/>).</summary>
    public ReadOnlySpan<byte> Json => _json;

    /// <summary>True when the record gives any field (region alone does not count, as before).</summary>
    public bool HasFields => (_present & FieldBits) != 0;

    /// <summary>True when the record gives a region code (written, with the other fields, when there are any).</summary>
    public bool HasRegion => (_present & (1 << GeoFieldWriter.RegionIndex)) != 0;

    /// <summary>The text of the <paramref name="index"/>-th geo leaf (in <see cref="GeoFieldWriter"/>'s order), or null
    /// when the record has none.</summary>
    public GeoText? Text(int index) => (_present & (1 << index)) == 0 ? null : Values.Text(index);

    // Records are shared by threads: racing threads may each read the object back, and the first one kept serves all.
    private GeoCityValues Values
    {
        get
        {
            var values = Volatile.Read(ref _values);
            if (values is null)
            {
                values = new GeoCityValues(_json);
                values = Interlocked.CompareExchange(ref _values, values, null) ?? values;
            }

            return values;
        }
    }

    void IDeferredMembers.WriteTo(ref JsonOutput output) => output.WriteRaw(_json);

    void IDeferredMembers.AppendTo(LogObject target) => GeoFieldWriter.AppendGeo(this, target);
}
