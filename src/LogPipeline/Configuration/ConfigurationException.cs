namespace LogPipeline.Configuration;

/// <summary>The configuration cannot be used. <see cref="Exception.Message"/> is one line per problem, each
/// naming the key, the value and what is allowed, ready to print without a stack trace.</summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(IReadOnlyList<ConfigurationProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.Message)))
    {
        Problems = problems;
    }

    public ConfigurationException(string message)
        : base(message)
    {
        Problems = [new ConfigurationProblem(string.Empty, message)];
    }

    public IReadOnlyList<ConfigurationProblem> Problems { get; }
}
