namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The output of one template file (<c>templates/workload.yaml</c>), as <c>helm template</c> prints it
/// under <c># Source:</c>.</summary>
internal sealed record RenderedTemplate(string File, string Text);
