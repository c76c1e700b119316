namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>.A.B</c>: fields (map keys, or an object's fields or method) read from dot.</summary>
internal sealed record FieldOperand(SourcePosition At, IReadOnlyList<string> Path) : Operand(At);
