namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>$x.A.B</c> (or <c>$</c>, the data the template was run with), with an optional field path.</summary>
internal sealed record VariableOperand(SourcePosition At, string Name, IReadOnlyList<string> Path) : Operand(At);
