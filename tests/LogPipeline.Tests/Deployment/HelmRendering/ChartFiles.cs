namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary><c>.Files</c>: the chart's files outside templates/. Only <c>Get</c> is implemented; like Helm's, it
/// returns an empty string for a file the chart does not have. Symbolic links are followed, as Helm's loader
/// does.</summary>
internal sealed class ChartFiles(string chartDirectory)
{
    public object? Invoke(SourcePosition at, string method, IReadOnlyList<object?> arguments)
    {
        if (method != "Get" || arguments is not [string name])
        {
            throw new TemplateException(at, $".Files.{method} with {arguments.Count} argument(s) is not implemented by this renderer");
        }

        var path = Path.GetFullPath(Path.Combine(chartDirectory, name));
        var inChart = path.StartsWith(Path.GetFullPath(chartDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var isTemplate = name.StartsWith("templates/", StringComparison.Ordinal) || name is "Chart.yaml" or "values.yaml";
        return inChart && !isTemplate && File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
