using System.Diagnostics;

namespace LogPipeline.Demo.Tests.Geo;

/// <summary>Runs libmaxminddb's <c>mmdblookup</c>: a second, independent reader of the files the writer
/// produces.</summary>
public static class MmdbLookup
{
    public static string? Path { get; } =
        new[] { "/usr/bin/mmdblookup", "/usr/local/bin/mmdblookup" }.FirstOrDefault(File.Exists);

    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("mmdblookup is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
