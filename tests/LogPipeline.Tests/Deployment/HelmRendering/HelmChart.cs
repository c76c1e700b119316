using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>A chart directory rendered as <c>helm template RELEASE CHART -n NAMESPACE -f OVERRIDES</c> would:
/// every file under templates/ is parsed (so their <c>define</c>s are shared), each file not starting with
/// <c>_</c> is run with <c>.Values</c> (values.yaml with the overrides merged in), <c>.Release</c>,
/// <c>.Chart</c>, <c>.Capabilities</c>, <c>.Files</c> and <c>.Template</c>, Go's <c>&lt;no value&gt;</c> is removed
/// as Helm removes it, and output that is only white space is dropped.</summary>
internal sealed class HelmChart
{
    // Chart.yaml's keys and the field names of Helm's chart.Metadata that templates read them by.
    private static readonly Dictionary<string, string> MetadataFields = new(StringComparer.Ordinal)
    {
        ["apiVersion"] = "APIVersion", ["name"] = "Name", ["version"] = "Version", ["appVersion"] = "AppVersion",
        ["description"] = "Description", ["type"] = "Type", ["kubeVersion"] = "KubeVersion", ["home"] = "Home",
        ["icon"] = "Icon", ["keywords"] = "Keywords", ["sources"] = "Sources", ["maintainers"] = "Maintainers",
        ["annotations"] = "Annotations", ["dependencies"] = "Dependencies", ["deprecated"] = "Deprecated",
    };

    private readonly string _directory;
    private readonly IReadOnlyList<ParsedTemplate> _templates;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<Node>> _defines;

    private HelmChart(string directory, IReadOnlyDictionary<string, object?> metadata, IReadOnlyDictionary<string, object?> defaults,
        IReadOnlyList<ParsedTemplate> templates)
    {
        _directory = directory;
        Metadata = metadata;
        Defaults = defaults;
        _templates = templates;
        var defines = new Dictionary<string, IReadOnlyList<Node>>(StringComparer.Ordinal);
        foreach (var (name, body) in templates.SelectMany(t => t.Defines))
        {
            if (!defines.TryAdd(name, body))
            {
                throw new TemplateException(body.FirstOrDefault()?.At ?? new SourcePosition(name, 0), $"template \"{name}\" is defined in two files");
            }
        }

        _defines = defines;
    }

    /// <summary>Chart.yaml as written (YAML keys).</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; }

    /// <summary>values.yaml.</summary>
    public IReadOnlyDictionary<string, object?> Defaults { get; }

    /// <summary>The template files (relative paths, <c>templates/…</c>).</summary>
    public IEnumerable<string> TemplateFiles => _templates.Select(t => t.File);

    /// <exception cref="TemplateException">A template does not parse, or uses something not implemented here.</exception>
    public static HelmChart Load(string directory)
    {
        var metadata = HelmValues.Parse("Chart.yaml", File.ReadAllText(Path.Combine(directory, "Chart.yaml")));
        var defaults = HelmValues.Parse("values.yaml", File.ReadAllText(Path.Combine(directory, "values.yaml")));
        var templates = Directory.EnumerateFiles(Path.Combine(directory, "templates"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => Parser.Parse(f, File.ReadAllText(Path.Combine(directory, f)), TemplateFunctions.Names))
            .ToList();
        return new HelmChart(directory, metadata, defaults, templates);
    }

    /// <param name="overrides">A values file's text (as given with <c>-f</c>), or null.</param>
    /// <exception cref="TemplateException">A template fails (<c>fail</c>, <c>required</c>, a Go error) or uses
    /// something not implemented here.</exception>
    public IReadOnlyList<RenderedTemplate> Render(string release, string @namespace = "default", string? overrides = null)
    {
        var values = overrides is null ? Defaults : HelmValues.Merge(Defaults, HelmValues.Parse("overrides", overrides));
        var chartName = (string)Metadata["name"]!;
        var top = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Name"] = release, ["Namespace"] = @namespace, ["Service"] = "Helm",
                ["IsInstall"] = true, ["IsUpgrade"] = false, ["Revision"] = 1L,
            },
            ["Chart"] = new TemplateObject("*chart.Metadata", MetadataFields.ToDictionary(
                kv => kv.Value, kv => Metadata.TryGetValue(kv.Key, out var v) ? v : null, StringComparer.Ordinal)),
            ["Capabilities"] = new TemplateObject("*chartutil.Capabilities", new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["KubeVersion"] = new TemplateObject("chartutil.KubeVersion", new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["Version"] = "v1.31.0", ["Major"] = "1", ["Minor"] = "31",
                }),
            }),
            ["Files"] = new ChartFiles(_directory),
        };
        var executor = new TemplateExecutor(_defines);
        var rendered = new List<RenderedTemplate>();
        foreach (var template in _templates.Where(t => !Path.GetFileName(t.File).StartsWith('_')))
        {
            var data = new Dictionary<string, object?>(top, StringComparer.Ordinal)
            {
                ["Template"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["Name"] = $"{chartName}/{template.File}", ["BasePath"] = $"{chartName}/templates",
                },
            };
            var text = executor.Execute(template.Body, data, new SourcePosition(template.File, 1)).Replace("<no value>", "", StringComparison.Ordinal);
            if (!string.IsNullOrWhiteSpace(text))
            {
                rendered.Add(new RenderedTemplate(template.File, text));
            }
        }

        return rendered;
    }

    /// <summary>Every rendered document, parsed (what <c>kubectl apply</c> would read).</summary>
    public static IReadOnlyList<(string File, YamlMappingNode Document)> Documents(IEnumerable<RenderedTemplate> rendered) =>
        rendered.SelectMany(r =>
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(r.Text));
            return stream.Documents
                .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
                .Select(d => (r.File, d.RootNode as YamlMappingNode ?? throw new InvalidDataException($"{r.File}: a document is not a mapping")));
        }).ToList();
}
