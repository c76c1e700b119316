using System.Diagnostics;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Debian's Go toolchain (package <c>golang-go</c>), which runs the cross-check program under
/// GoCrossCheck/ with Go's own text/template. Modules are off: the program uses the standard library only, and
/// nothing can be fetched here.</summary>
internal static class GoToolchain
{
    public static string? Path { get; } = new[] { "/usr/bin/go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go" }.FirstOrDefault(File.Exists);

    /// <summary>Runs <c>go run</c> on <paramref name="program"/> with <paramref name="input"/> on standard input.</summary>
    /// <exception cref="InvalidOperationException">Go is missing, or the program failed.</exception>
    public static string Run(string program, string input)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("go is not installed"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(program);
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOTOOLCHAIN"] = "local";
        start.Environment["GOFLAGS"] = "";
        start.Environment["GOCACHE"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "logpipeline-go-cache");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"go run {program} failed ({process.ExitCode}): {error.Result}");
    }
}
