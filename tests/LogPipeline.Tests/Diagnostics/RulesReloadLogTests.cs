using Enrichers;
using Enrichers.Rules;
using LogPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Tests.Diagnostics;

/// <summary>Every rules reload is logged and counted in <c>logpipeline_rules_reloads_total{rules, result}</c>; a refused
/// file is a warning with the reason, never with a secret.</summary>
public sealed class RulesReloadLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("logpipeline-rules-log-").FullName;
    private readonly PipelineMetrics _metrics = new();
    private readonly ListLogger _logger = new();
    private readonly EnrichmentChain _chain;
    private readonly string _path;
    private int _version;

    public RulesReloadLogTests()
    {
        _path = Write("""{ "KeyNames": [ "customer ref" ] }""");
        _chain = EnrichmentChain.Create(new EnrichmentOptions { RuleFiles = new RuleFileOptions { Masking = _path, ReloadCheckInterval = TimeSpan.Zero } });
        _ = new RulesReloadLog(_chain.Rules, _metrics, _logger);
    }

    public void Dispose()
    {
        _chain.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "masking.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, json);
        File.SetLastWriteTimeUtc(temporary, new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc).AddMinutes(++_version));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    [Fact]
    public void A_refused_file_is_a_warning_with_its_path_and_reason_and_is_counted()
    {
        Write("""{ "Patterns": [ { "Name": "Bad Name", "Regex": "x" } ] }""");
        _chain.Rules.CheckForUpdates();

        var (level, message) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal($"Rules file masking '{_path}' refused; still using the rules written 2026-12-07 00:01:00Z: Enrichment:Masking:Patterns:0:Name " +
            "is 'Bad Name'; allowed: 1 to 32 characters of a-z, 0-9 and _. Counted in logpipeline_rules_reloads_total{result=\"refused\"}", message);
        Assert.Equal(1, _metrics.RulesReloads.WithLabels(RuleSets.MaskingRules, ReloadReport.Refused).Value);
        Assert.Equal(0, _metrics.RulesReloads.WithLabels(RuleSets.MaskingRules, ReloadReport.Reloaded).Value);
    }

    [Fact]
    public void A_secret_in_a_refused_file_is_not_logged()
    {
        Write("""{ "HmacKeyFile": "/var/run/secrets/not-for-a-configmap", "HmacKey": "s3cr3t-0123456789abcdef" }""");
        _chain.Rules.CheckForUpdates();

        var (level, message) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("cannot be set in a rules file (the value is not shown)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-for-a-configmap", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_reload_is_logged_and_counted()
    {
        Write("""{ "KeyNames": [ "customer ref", "order ref" ] }""");
        _chain.Rules.CheckForUpdates();
        Write("""{ "KeyNames": [ "order ref" ] }""");
        _chain.Rules.CheckForUpdates();

        Assert.Equal(2, _logger.Entries.Count);
        Assert.All(_logger.Entries, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Equal($"Rules file masking '{_path}' reloaded (written 2026-12-07 00:03:00Z).", _logger.Entries[1].Message);
        Assert.Equal(2, _metrics.RulesReloads.WithLabels(RuleSets.MaskingRules, ReloadReport.Reloaded).Value);
    }
}
