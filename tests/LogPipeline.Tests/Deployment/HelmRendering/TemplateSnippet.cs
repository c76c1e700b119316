namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Runs a template written inline in a test, as a file named <c>t.yaml</c>, with Go's output (no Helm
/// post-processing).</summary>
internal static class TemplateSnippet
{
    public static string Render(string template, object? data = null)
    {
        var parsed = Parser.Parse("t.yaml", template, TemplateFunctions.Names);
        return new TemplateExecutor(parsed.Defines).Execute(parsed.Body, data, new SourcePosition("t.yaml", 1));
    }

    /// <summary>A map as values.yaml gives it.</summary>
    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    public static List<object?> List(params object?[] items) => [.. items];
}
