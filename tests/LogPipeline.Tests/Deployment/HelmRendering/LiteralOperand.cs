namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A string, number (<see cref="long"/> or <see cref="double"/>, as Go's constants), <c>true</c>,
/// <c>false</c> or <c>nil</c>.</summary>
internal sealed record LiteralOperand(SourcePosition At, object? Value) : Operand(At);
