namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>{{if}}</c> or <c>{{with}}</c>: <see cref="Then"/> when the pipeline's value is not empty, else
/// <see cref="Else"/> (which holds one nested branch for <c>{{else if}}</c> / <c>{{else with}}</c>).</summary>
internal sealed record BranchNode(SourcePosition At, BranchKind Kind, Pipeline Condition, IReadOnlyList<Node> Then, IReadOnlyList<Node> Else)
    : Node(At);
