namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A fact that needs the Go toolchain (Debian package <c>golang-go</c>, which .ci/run installs); skipped,
/// with the reason printed, when it is not installed.</summary>
public sealed class GoToolchainFactAttribute : FactAttribute
{
    public GoToolchainFactAttribute()
    {
        if (GoToolchain.Path is null)
        {
            Skip = "go not installed (apt-get install golang-go)";
        }
    }
}
