using System.Globalization;

namespace LogPipeline.Bench;

/// <summary>Reads the harnesses' <c>--name value</c> options. A number that does not parse stops the harness with the
/// parser's message, rather than running with a default the caller did not ask for.</summary>
internal static class HarnessArguments
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is not given.</summary>
    public static string? StringArg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static string StringArg(string[] args, string name, string fallback) => StringArg(args, name) ?? fallback;

    public static int IntArg(string[] args, string name, int fallback) =>
        StringArg(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
