namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>(pipeline)</c>, optionally followed by a field path: <c>(…).A</c>.</summary>
internal sealed record NestedOperand(SourcePosition At, Pipeline Pipeline, IReadOnlyList<string> Path) : Operand(At);
