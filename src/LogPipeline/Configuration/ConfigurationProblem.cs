namespace LogPipeline.Configuration;

/// <summary>One thing wrong with the configuration: the key (<c>Section:Key</c>) and a one-line message that
/// names the key, the value and what is allowed.</summary>
internal sealed record ConfigurationProblem(string Key, string Message)
{
    public override string ToString() => Message;
}
