namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A template that cannot be parsed or executed, or that uses something this renderer does not
/// implement. The message starts with the file and line, as Go's own errors do.</summary>
internal sealed class TemplateException(SourcePosition at, string message) : Exception($"{at}: {message}")
{
    public SourcePosition At { get; } = at;
}
