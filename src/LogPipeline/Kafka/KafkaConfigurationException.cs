namespace LogPipeline.Kafka;

/// <summary>Invalid Kafka settings, found at start. The message lists every problem with key, value and
/// what is allowed, so the process fails at boot with one readable line per mistake.</summary>
internal sealed class KafkaConfigurationException : Exception
{
    public KafkaConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid Kafka configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    /// <summary>One message per invalid setting.</summary>
    public IReadOnlyList<string> Errors { get; }
}
