using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The chart rendered by this renderer and by Go's own text/template (GoCrossCheck/main.go, run with Debian's
/// Go) must be the same bytes, for every scenario the chart tests use. Helm's Sprig functions are stand-ins there
/// (the standard library only), so this checks the text/template and encoding/json side; the Sprig side rests on
/// <see cref="HelmFunctionTests"/>.</summary>
public sealed class HelmGoCrossCheckTests
{
    [GoToolchainFact]
    public void Gos_text_template_renders_the_chart_byte_for_byte_as_this_renderer_does()
    {
        var chart = RenderedChart.Chart;
        var metadata = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Name"] = chart.Metadata["name"], ["Version"] = chart.Metadata["version"], ["AppVersion"] = chart.Metadata["appVersion"],
        };
        var scenarios = RenderedChart.Scenarios.Select(s => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = s.Key,
            ["release"] = s.Value.Release,
            ["namespace"] = "logging",
            ["values"] = HelmValues.Merge(chart.Defaults, HelmValues.Parse("overrides", s.Value.Overrides ?? "")),
            ["metadata"] = metadata,
        }).ToList<object?>();
        var input = new Dictionary<string, object?>(StringComparer.Ordinal) { ["chart"] = RenderedChart.ChartDirectory, ["scenarios"] = scenarios };
        var at = new SourcePosition("HelmGoCrossCheckTests", 0);

        var output = JsonNode.Parse(GoToolchain.Run(RepositoryFiles.PathOf("tests", "LogPipeline.Tests", "Deployment", "HelmRendering", "GoCrossCheck", "main.go"),
            GoJson.Marshal(at, input, indent: false)))!;

        Assert.Equal(RenderedChart.Scenarios.Count, output.AsObject().Count);
        foreach (var (name, (release, overrides)) in RenderedChart.Scenarios)
        {
            var expected = JsonSerializer.Serialize(chart.Render(release, "logging", overrides).Select(r => new { file = r.File, text = r.Text }));
            Assert.Equal(expected, output[name]!.ToJsonString());
        }
    }
}
