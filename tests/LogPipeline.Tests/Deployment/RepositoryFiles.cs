using System.Runtime.CompilerServices;

namespace LogPipeline.Tests.Deployment;

/// <summary>Locates files of the checkout the tests were built from (the directory holding LogPipeline.sln).
/// Starts from this source file's compile-time path, because build outputs may live outside the checkout
/// (LP_ARTIFACTS), then falls back to the output directory.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LogPipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No LogPipeline.sln above {sourceFile} or {AppContext.BaseDirectory}.");
    }
}
