namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The two conditional control structures: <c>with</c> also sets dot to the pipeline's value.</summary>
internal enum BranchKind
{
    If,
    With,
}
