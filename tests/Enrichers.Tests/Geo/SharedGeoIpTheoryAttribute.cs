namespace Enrichers.Tests.Geo;

/// <summary>The theory form of <see cref="SharedGeoIpFactAttribute"/>.</summary>
public sealed class SharedGeoIpTheoryAttribute : TheoryAttribute
{
    public SharedGeoIpTheoryAttribute()
    {
        if (SharedGeoIpData.Directory is null)
        {
            Skip = "MaxMind test databases not found: no shared/geoip folder above " + AppContext.BaseDirectory;
        }
    }
}
