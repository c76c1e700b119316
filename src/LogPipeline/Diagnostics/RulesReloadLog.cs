using Enrichers.Rules;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Diagnostics;

/// <summary>Makes rules-file reloads visible (<see cref="ReloadReport"/>): counted in
/// <c>logpipeline_rules_reloads_total{rules, result}</c>.</summary>
internal sealed class RulesReloadLog
{
    public RulesReloadLog(RuleSets rules, PipelineMetrics metrics, ILogger logger) =>
        rules.RulesChanged += e => ReloadReport.Report(metrics.RulesReloads, "rules_reloads_total", logger, e.Rules, e.Succeeded, e.Message);
}
