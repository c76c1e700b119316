namespace LogPipeline.Tests.EndToEnd;

/// <summary>The end-to-end tests share one Kafka cluster and Elasticsearch test server and run one at a time
/// (each starts a worker process; in parallel they would only compete for the two cores).</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end-to-end";
}
