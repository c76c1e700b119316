namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>{{template "name" pipeline}}</c>: runs a defined template in place, with dot set to the pipeline's
/// value (nil without one).</summary>
internal sealed record TemplateCallNode(SourcePosition At, string Name, Pipeline? Argument) : Node(At);
