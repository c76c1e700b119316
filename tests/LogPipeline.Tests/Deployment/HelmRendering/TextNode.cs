namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Text copied to the output as it is.</summary>
internal sealed record TextNode(SourcePosition At, string Text) : Node(At);
