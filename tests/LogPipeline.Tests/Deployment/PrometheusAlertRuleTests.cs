using System.Text.RegularExpressions;
using LogPipeline.Diagnostics;
using Prometheus;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace LogPipeline.Tests.Deployment;

public sealed partial class PrometheusAlertRuleTests
{
    private static readonly string RulesPath = RepositoryFiles.PathOf("deploy", "prometheus", "logpipeline-alerts.yml");

    private static readonly YamlMappingNode RulesFile = Yaml.LoadDocuments(RulesPath).Single();

    private static readonly IReadOnlyList<YamlNode> Alerts =
        RulesFile.Items("groups").SelectMany(g => g.Items("rules")).ToList();

    /// <summary>PromQL words that are not metric names: functions, aggregations, operators and modifiers.</summary>
    private static readonly HashSet<string> PromQlWords =
    [
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
        "rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "histogram_quantile", "absent",
        "absent_over_time", "clamp_min", "clamp_max", "max_over_time", "min_over_time", "avg_over_time", "time",
        "changes", "resets", "vector", "scalar", "label_replace", "timestamp",
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
    ];

    /// <summary>Every series name the worker exposes: the collectors of a fresh <see cref="PipelineMetrics"/>, with the
    /// series a histogram adds.</summary>
    private static HashSet<string> WorkerSeriesNames()
    {
        var metrics = new PipelineMetrics();
        var names = new HashSet<string>();
        foreach (var property in typeof(PipelineMetrics).GetProperties())
        {
            if (property.GetValue(metrics) is Collector collector)
            {
                names.Add(collector.Name);
                if (collector is Histogram)
                {
                    names.UnionWith([collector.Name + "_bucket", collector.Name + "_sum", collector.Name + "_count"]);
                }
            }
        }

        return names;
    }

    /// <summary>The metric names an expression selects: what is left after removing strings, label matchers, ranges,
    /// grouping clauses, numbers and PromQL words.</summary>
    internal static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = Strings().Replace(expr, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifiers().Matches(text).Select(m => m.Value).Where(w => !PromQlWords.Contains(w)).ToHashSet();
    }

    [Fact]
    public void The_alerts_the_operators_asked_for_are_all_there()
    {
        string[] required = ["LogPipelineDown", "ConsumerLagGrowing", "DeadLetterRateHigh", "ElasticsearchRejections",
            "BulkLatencySLO", "GeoIpDatabaseStale", "GeoIpDatabaseReloadRefused", "MaskingEngineErrors", "LogPipelineRulesReloadRefused"];

        var names = Alerts.Select(a => a.Required("alert")).ToList();

        Assert.All(required, r => Assert.Contains(r, names));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Every_metric_an_alert_reads_is_one_the_worker_exposes()
    {
        var known = WorkerSeriesNames();
        Assert.Contains("logpipeline_consumer_lag", known);

        foreach (var alert in Alerts)
        {
            var used = MetricNames(alert.Required("expr"));
            Assert.NotEmpty(used);
            foreach (var name in used)
            {
                Assert.True(name == "up" || known.Contains(name), $"{alert.Required("alert")}: '{name}' is not a metric in PipelineMetrics");
            }
        }
    }

    [Fact]
    public void The_metric_name_extraction_sees_through_PromQL_syntax()
    {
        var names = MetricNames("""
            histogram_quantile(0.99, sum by (le) (rate(logpipeline_bulk_request_duration_seconds_bucket{outcome=~"a|b"}[5m]))) > 2.5
            and deriv(sum by (topic) (max by (topic, partition) (logpipeline_consumer_lag))[15m:1m]) > 30 * 86400
            """);

        Assert.Equal(["logpipeline_bulk_request_duration_seconds_bucket", "logpipeline_consumer_lag"], names.Order());
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_a_description_and_a_runbook_section()
    {
        var docs = RepositoryFiles.Read("docs", "deployment.md");
        var anchors = Headings().Matches(docs).Select(m => Anchor(m.Groups[1].Value)).ToHashSet();

        foreach (var alert in Alerts)
        {
            var name = alert.Required("alert");
            Assert.Contains(alert.Str("labels.severity"), new[] { "critical", "warning" });
            Assert.False(string.IsNullOrWhiteSpace(alert.Str("annotations.summary")), $"{name}: summary");
            Assert.False(string.IsNullOrWhiteSpace(alert.Str("annotations.description")), $"{name}: description");
            var runbook = alert.Required("annotations.runbook_url");
            Assert.StartsWith("docs/deployment.md#", runbook);
            Assert.True(anchors.Contains(runbook.Split('#')[1]), $"{name}: docs/deployment.md has no heading for #{runbook.Split('#')[1]}");
            Assert.NotNull(alert.Str("for"));
        }
    }

    [Fact]
    public void Every_alert_has_a_promtool_unit_test_that_expects_it_to_fire()
    {
        // deploy/prometheus/logpipeline-alerts.test.yml runs with `promtool test rules` where Prometheus is
        // installed; here only its coverage is checked, so the suite does not need promtool.
        var tests = Yaml.LoadDocuments(RepositoryFiles.PathOf("deploy", "prometheus", "logpipeline-alerts.test.yml")).Single();
        var firing = tests.Items("tests").SelectMany(t => t.Items("alert_rule_test"))
            .Where(t => t.Items("exp_alerts").Any())
            .Select(t => t.Required("alertname")).ToHashSet();
        var inputs = tests.Items("tests").SelectMany(t => t.Items("input_series")).Select(s => s.Required("series")).ToList();

        Assert.Equal(["logpipeline-alerts.yml"], tests.Items("rule_files").Select(f => ((YamlScalarNode)f).Value));
        Assert.All(Alerts, a => Assert.Contains(a.Required("alert"), firing));
        var known = WorkerSeriesNames();
        Assert.All(inputs, s => Assert.True(s.StartsWith("up{", StringComparison.Ordinal) || known.Contains(s.Split('{')[0]), $"test series {s}"));
    }

    [PromtoolFact]
    public void Promtool_accepts_the_rules_and_their_unit_tests_pass()
    {
        var directory = Path.GetDirectoryName(RulesPath)!;

        var check = Promtool.Run(directory, "check", "rules", "logpipeline-alerts.yml");
        var test = Promtool.Run(directory, "test", "rules", "logpipeline-alerts.test.yml");

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains($"SUCCESS: {Alerts.Count} rules found", check.Output, StringComparison.Ordinal);
        Assert.True(test.ExitCode == 0, test.Output);
    }

    [Fact]
    public void The_job_the_alerts_watch_is_the_one_the_ServiceMonitor_scrapes()
    {
        // The Prometheus Operator names a ServiceMonitor's job after the scraped Service.
        var service = KubernetesManifests.Single("Service").Required("metadata.name");
        var jobs = Alerts.SelectMany(a => JobSelector().Matches(a.Required("expr"))).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(jobs);
        Assert.All(jobs, j => Assert.Equal(service, j));
        Assert.Null(KubernetesManifests.Single("ServiceMonitor").Str("spec.jobLabel"));
    }

    [Fact]
    public void The_PrometheusRule_carries_exactly_the_groups_of_the_rules_file()
    {
        var rule = KubernetesManifests.Single("PrometheusRule");

        Assert.Equal(Canonical(RulesFile.At("groups")!), Canonical(rule.At("spec.groups")!));
    }

    private static string Canonical(YamlNode node)
    {
        var stream = new YamlStream(new YamlDocument(node));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var value = new DeserializerBuilder().Build().Deserialize<object>(writer.ToString());
        return new SerializerBuilder().JsonCompatible().Build().Serialize(value!);
    }

    /// <summary>GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped.</summary>
    private static string Anchor(string heading) =>
        new string(heading.Trim().ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifiers();

    [GeneratedRegex("job=\"([^\"]*)\"")]
    private static partial Regex JobSelector();

    [GeneratedRegex(@"^#{2,4}\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Headings();
}
