namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>{{ pipeline }}</c>: prints the pipeline's value, unless the pipeline declares or assigns a
/// variable.</summary>
internal sealed record ActionNode(SourcePosition At, Pipeline Pipeline) : Node(At);
