namespace Enrichers.Tests.Geo;

/// <summary>A fact that needs MaxMind's test databases; skipped, with the reason printed, when
/// <c>shared/geoip</c> is not found above the test binaries (xunit 2 has no dynamic skip).</summary>
public sealed class SharedGeoIpFactAttribute : FactAttribute
{
    public SharedGeoIpFactAttribute()
    {
        if (SharedGeoIpData.Directory is null)
        {
            Skip = "MaxMind test databases not found: no shared/geoip folder above " + AppContext.BaseDirectory;
        }
    }
}
