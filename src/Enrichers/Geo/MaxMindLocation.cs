using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>The <c>location</c> of a City database record: coordinates and time zone (the accuracy radius and
/// metro code are skipped).</summary>
internal sealed class MaxMindLocation
{
    [Constructor]
    public MaxMindLocation([MapKey("latitude")] double? latitude, [MapKey("longitude")] double? longitude,
        [MapKey("time_zone")] string? timeZone)
        : this(latitude, longitude, GeoNames.Shared(timeZone))
    {
    }

    /// <summary>As read by <see cref="MaxMindRecordReader"/>: the time zone is the text kept for its offset.</summary>
    public MaxMindLocation(double? latitude, double? longitude, GeoText? timeZone)
    {
        Latitude = latitude;
        Longitude = longitude;
        TimeZone = timeZone;
    }

    public double? Latitude { get; }

    public double? Longitude { get; }

    public GeoText? TimeZone { get; }
}
