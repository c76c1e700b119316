namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>.</c>: the current value.</summary>
internal sealed record DotOperand(SourcePosition At) : Operand(At);
