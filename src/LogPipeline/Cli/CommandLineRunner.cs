using System.CommandLine;

namespace LogPipeline.Cli;

/// <summary>Parses and invokes the root command. Termination signals are left to the host (its console
/// lifetime drains and commits on SIGTERM): System.CommandLine's own handler would end the process after two
/// seconds, long before the drain deadline.</summary>
internal static class CommandLineRunner
{
    public static Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parseResult = root.Parse(args);
        return parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
