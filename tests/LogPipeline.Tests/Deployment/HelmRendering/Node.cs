namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A node of a parsed template: text, an action that prints, or a control structure.</summary>
internal abstract record Node(SourcePosition At);
