namespace LogPipeline.Demo.Tests.Geo;

/// <summary>A fact that needs libmaxminddb's <c>mmdblookup</c> (Debian package <c>mmdb-bin</c>); skipped,
/// with the reason printed, when it is not installed.</summary>
public sealed class MmdbLookupFactAttribute : FactAttribute
{
    public MmdbLookupFactAttribute()
    {
        if (MmdbLookup.Path is null)
        {
            Skip = "mmdblookup not installed (apt-get install mmdb-bin)";
        }
    }
}
