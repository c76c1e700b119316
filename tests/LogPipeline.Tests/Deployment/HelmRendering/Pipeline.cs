namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Commands separated by <c>|</c>: each command's value is the last argument of the next. It may
/// declare (<c>$x := …</c>) or assign (<c>$x = …</c>) variables; a range declares up to two.</summary>
internal sealed record Pipeline(SourcePosition At, IReadOnlyList<string> Variables, bool IsAssignment, IReadOnlyList<Command> Commands);
