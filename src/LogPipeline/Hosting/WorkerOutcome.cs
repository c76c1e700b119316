namespace LogPipeline.Hosting;

/// <summary>How the worker ended, read by the command after the host stopped: the exit code and, for a failure,
/// the one line to print.</summary>
internal sealed class WorkerOutcome
{
    public int ExitCode { get; private set; } = ExitCodes.Ok;

    public string? Message { get; private set; }

    public void Fail(int exitCode, string message)
    {
        ExitCode = exitCode;
        Message = message;
    }

    /// <summary>Back to <see cref="ExitCodes.Ok"/>, after a provisional failure turned out not to happen.</summary>
    public void Clear()
    {
        ExitCode = ExitCodes.Ok;
        Message = null;
    }
}
