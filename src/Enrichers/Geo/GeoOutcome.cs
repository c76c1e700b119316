namespace Enrichers.Geo;

/// <summary>What a lookup of one address gave, as counted in <c>geoip_lookups_total{result}</c>
/// (<c>hit</c>, <c>miss</c>, <c>private</c>; <c>malformed</c> is a text with no address, which never gets this far).</summary>
internal enum GeoOutcome : byte
{
    /// <summary>No database is configured: nothing is counted.</summary>
    None,
    Hit,
    Miss,
    Private,
}
