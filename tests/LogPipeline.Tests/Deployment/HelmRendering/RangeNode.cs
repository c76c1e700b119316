namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>{{range}}</c> over a list or a map (in sorted key order); <see cref="Else"/> when it is empty or
/// nil.</summary>
internal sealed record RangeNode(SourcePosition At, Pipeline Items, IReadOnlyList<Node> Body, IReadOnlyList<Node> Else) : Node(At);
