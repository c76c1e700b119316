namespace LogPipeline.Cli;

/// <summary>One line of <c>validate</c>'s report: what was checked, whether it passed, and why.</summary>
/// <param name="Check">What was checked (e.g. <c>kafka topic smm-logs-raw</c>).</param>
/// <param name="Ok">True when the check passed.</param>
/// <param name="Detail">What was found, or why the check failed.</param>
internal sealed record ValidationCheck(string Check, bool Ok, string Detail)
{
    public override string ToString() => $"{(Ok ? "ok  " : "FAIL")} {Check}: {Detail}";
}
