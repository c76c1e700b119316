namespace LogPipeline.Tests.Kafka;

/// <summary>Tests on the embedded Kafka cluster run one at a time and apart from other collections: they are
/// CPU-heavy and some inject faults.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KafkaCollection
{
    public const string Name = "kafka";
}
