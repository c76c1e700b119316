namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A Go struct in the template data (<c>.Chart</c>, <c>.Capabilities</c>): unlike a map, reading a
/// field it does not have is an error, not nil.</summary>
internal sealed record TemplateObject(string TypeName, IReadOnlyDictionary<string, object?> Fields);
