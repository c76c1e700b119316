namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A function name; known to the renderer (the parser refuses any other).</summary>
internal sealed record FunctionOperand(SourcePosition At, string Name) : Operand(At);
