namespace LogPipeline.Elasticsearch;

/// <summary>The bootstrapper's result for one resource; <see cref="ClusterVersion"/> is the version found
/// before (null when the resource was missing or carries no version).</summary>
internal sealed record BootstrapResourceResult(
    ManagedResourceKind Kind,
    string Name,
    BootstrapOutcome Outcome,
    long? ClusterVersion,
    long? WorkerVersion,
    string Detail)
{
    public override string ToString() =>
        $"{ManagedResource.KindName(Kind)} [{Name}]: {Outcome.ToString().ToLowerInvariant()}" + (Detail.Length > 0 ? $" ({Detail})" : "");
}
