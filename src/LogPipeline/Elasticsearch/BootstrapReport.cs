namespace LogPipeline.Elasticsearch;

/// <summary>Everything one bootstrap run did, in install order (the <c>setup</c> command prints it), with the
/// cluster it ran against and the lifecycle it installed.</summary>
internal sealed record BootstrapReport(IReadOnlyList<BootstrapResourceResult> Resources, ElasticsearchProtocol? Protocol = null, ElasticsearchLifecycle Lifecycle = ElasticsearchLifecycle.Ilm)
{
    public BootstrapResourceResult this[string name] => Resources.First(r => r.Name == name);

    public BootstrapResourceResult this[ManagedResourceKind kind, string name] => Resources.First(r => r.Kind == kind && r.Name == name);

    public int Count(BootstrapOutcome outcome) => Resources.Count(r => r.Outcome == outcome);

    public override string ToString() => string.Join(Environment.NewLine, Resources);
}
