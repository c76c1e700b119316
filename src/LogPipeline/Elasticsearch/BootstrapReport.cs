namespace LogPipeline.Elasticsearch;

/// <summary>Everything one bootstrap run did, in install order (the <c>setup</c> command prints it).</summary>
public sealed record BootstrapReport(IReadOnlyList<BootstrapResourceResult> Resources)
{
    public BootstrapResourceResult this[string name] => Resources.First(r => r.Name == name);

    public int Count(BootstrapOutcome outcome) => Resources.Count(r => r.Outcome == outcome);

    public override string ToString() => string.Join(Environment.NewLine, Resources);
}
