namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Where a template construct was written, for error messages (<c>templates/workload.yaml:12</c>).</summary>
internal readonly record struct SourcePosition(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}
