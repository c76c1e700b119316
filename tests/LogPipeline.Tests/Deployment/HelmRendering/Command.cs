namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>One stage of a pipeline: a function and its arguments, or a single operand.</summary>
internal sealed record Command(SourcePosition At, IReadOnlyList<Operand> Words);
