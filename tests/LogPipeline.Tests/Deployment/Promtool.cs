using System.Diagnostics;

namespace LogPipeline.Tests.Deployment;

/// <summary>Prometheus's promtool (Debian package <c>prometheus</c>, which .ci/run installs): checks the alert rules
/// and runs their unit tests (deploy/prometheus/logpipeline-alerts.test.yml) as Prometheus itself evaluates them.</summary>
internal static class Promtool
{
    public static string? Path { get; } = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);

    /// <summary>Runs promtool with <paramref name="arguments"/> in <paramref name="directory"/>: exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("promtool is not installed"))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
