namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A word of a command.</summary>
internal abstract record Operand(SourcePosition At);
