using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>The <c>names</c> map of a place in a City database, decoded for the one locale written (English, as
/// GeoIP2's <c>DatabaseReader</c> gives by default): MaxMind's reader skips the other seven locales without
/// making strings of them.</summary>
internal sealed class MaxMindNames
{
    [Constructor]
    public MaxMindNames([MapKey("en")] string? english) => English = english is null ? null : new GeoText(english);

    /// <summary>As read by <see cref="MaxMindRecordReader"/>.</summary>
    public MaxMindNames(GeoText? english) => English = english;

    public GeoText? English { get; }
}
