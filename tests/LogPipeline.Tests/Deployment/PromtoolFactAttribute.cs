namespace LogPipeline.Tests.Deployment;

/// <summary>A fact that needs promtool (Debian package <c>prometheus</c>, which .ci/run installs); skipped, with the
/// reason printed, when it is not installed.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null)
        {
            Skip = "promtool not installed (apt-get install prometheus)";
        }
    }
}
