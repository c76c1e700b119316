using System.CommandLine;

namespace LogPipeline.Cli;

/// <summary><c>demo</c>: the whole path on this machine (filled in with the embedded Kafka cluster).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Run the pipeline end to end on an embedded Kafka cluster with generated SMM logs.");
        command.SetAction(_ => 0);
        return command;
    }
}
