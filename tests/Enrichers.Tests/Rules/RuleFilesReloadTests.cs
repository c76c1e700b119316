using System.Collections.Concurrent;
using System.Text;
using Enrichers.Json;
using Enrichers.Rules;
using LogPipeline.Testing.Time;

namespace Enrichers.Tests.Rules;

/// <summary>Masking, error-category and normalization rules from files, reloaded on change like the GeoIP databases:
/// checked as at start, a refused file keeps the old rules, each reload or refusal is an event.</summary>
public sealed class RuleFilesReloadTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private const string OrderPattern = """{ "Patterns": [ { "Name": "order_ref", "Regex": "ORD-[0-9]{6}" } ] }""";
    private readonly RulesDirectory _directory = new();
    // Lock-step: the files' directory is watched too, and a watcher event must not run the poll Advance makes due.
    private readonly LockStepTimeProvider _time = new();
    private readonly List<RulesReloadEvent> _events = [];
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _directory.Dispose();
    }

    private RuleSets Open(RuleFileOptions files, Action<EnrichmentOptions>? configure = null)
    {
        var options = new EnrichmentOptions { RuleFiles = files };
        configure?.Invoke(options);
        Assert.Empty(options.Validate());
        var rules = RuleSets.Open(options, new EnrichmentStatistics(), _time);
        rules.RulesChanged += e => _events.Add(e);
        _owned.Add(rules);
        return rules;
    }

    private static string Run(Enrichers.ILogEnricher enricher, string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection) ?? throw new InvalidOperationException(rejection!.Reason);
        enricher.Enrich(record);
        return record.ToString();
    }

    [Fact]
    public void A_changed_masking_rules_file_takes_effect_after_the_next_check()
    {
        var path = _directory.Write("masking.json", "{}");
        var rules = Open(new RuleFileOptions { Masking = path, ReloadCheckInterval = Interval });
        Assert.Contains("ORD-123456", Run(rules.Masking, """{"message":"order ORD-123456 paid"}"""));

        _directory.Write("masking.json", OrderPattern);
        Assert.Contains("ORD-123456", Run(rules.Masking, """{"message":"order ORD-123456 paid"}"""));
        _time.Advance(Interval);

        Assert.Equal("""{"message":"order [order_ref] paid"}""", Run(rules.Masking, """{"message":"order ORD-123456 paid"}"""));
        Assert.Equal(1, rules.Reloads);
        var reloaded = Assert.Single(_events);
        Assert.True(reloaded.Succeeded);
        Assert.Equal(RuleSets.MaskingRules, reloaded.Rules);
        Assert.Contains(path, reloaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_file_is_refused_once_and_the_old_rules_stay_until_a_valid_one_comes()
    {
        var path = _directory.Write("masking.json", OrderPattern);
        var rules = Open(new RuleFileOptions { Masking = path, ReloadCheckInterval = Interval });

        _directory.Write("masking.json", """{ "Patterns": [ { "Name": "order_ref", "Regex": "ORD-(" } ] }""");
        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Contains("[order_ref]", Run(rules.Masking, """{"message":"ORD-123456"}"""));
        Assert.Equal(1, rules.ReloadFailures);
        Assert.Equal(0, rules.Reloads);
        var refused = Assert.Single(_events);
        Assert.False(refused.Succeeded);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Enrichment:Masking:Patterns:0:Regex", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refused; still using the rules written", refused.Message, StringComparison.Ordinal);

        _directory.Write("masking.json", """{ "KeyNames": [ "customer ref" ] }""");
        _time.Advance(Interval);

        var masked = Run(rules.Masking, """{"message":"ORD-123456","customer_ref":"C-77"}""");
        Assert.StartsWith("""{"message":"ORD-123456","customer_ref":""", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("C-77", masked, StringComparison.Ordinal);
        Assert.Equal(1, rules.Reloads);
    }

    [Theory]
    [InlineData("""{ "KeyNmes": [ "x" ] }""", "Enrichment:Masking:KeyNmes is not a key of Enrichment:Masking")]
    [InlineData("""{ "KeyNames": "customer" }""", "Enrichment:Masking: ")]
    [InlineData("""{ "Patterns": [ { "Name": "x", "Regexp": "y" } ] }""", "Regexp")]
    [InlineData("""[ "KeyNames" ]""", "not a JSON object")]
    [InlineData("""{ "KeyNames": [ "customer" """, "not valid JSON")]
    [InlineData("""{ "KeyNames": null }""", "Enrichment:Masking: ")]
    public void A_file_the_start_up_check_would_refuse_is_refused_with_its_reason(string json, string reason)
    {
        var path = _directory.Write("masking.json", "{}");
        var rules = Open(new RuleFileOptions { Masking = path, ReloadCheckInterval = Interval });

        _directory.Write("masking.json", json);
        rules.CheckForUpdates();

        var refused = Assert.Single(_events);
        Assert.False(refused.Succeeded);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        var atStart = new EnrichmentOptions { RuleFiles = new RuleFileOptions { Masking = path } }.Validate();
        Assert.Contains(atStart, m => m.Contains(reason, StringComparison.Ordinal) && m.StartsWith("Enrichment:RuleFiles:Masking is '" + path, StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_in_a_rules_file_is_refused_without_showing_its_value()
    {
        var path = _directory.Write("masking.json", """{ "HmacKey": "s3cr3t-value-that-must-not-leak" }""");

        var problems = new EnrichmentOptions { RuleFiles = new RuleFileOptions { Masking = path } }.Validate();

        var problem = Assert.Single(problems);
        Assert.Contains("Enrichment:Masking:HmacKey cannot be set in a rules file", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", problem, StringComparison.Ordinal);
        var failure = Assert.Throws<EnrichmentConfigurationException>(() => EnrichmentChain.Create(new EnrichmentOptions { RuleFiles = new RuleFileOptions { Masking = path } }));
        Assert.DoesNotContain("s3cr3t", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_fails_the_start_with_a_line_naming_the_key_and_the_path()
    {
        var path = _directory.File("absent.json");

        var problem = Assert.Single(new EnrichmentOptions { RuleFiles = new RuleFileOptions { ErrorCategories = path } }.Validate());

        Assert.Equal($"Enrichment:RuleFiles:ErrorCategories is '{path}', but no file is there; allowed: the path of a JSON rules file, or no value.", problem);
    }

    [Fact]
    public void A_deleted_file_keeps_the_rules_in_use_and_is_reported_once()
    {
        var path = _directory.Write("masking.json", OrderPattern);
        var rules = Open(new RuleFileOptions { Masking = path, ReloadCheckInterval = Interval });

        File.Delete(path);
        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Contains("[order_ref]", Run(rules.Masking, """{"message":"ORD-123456"}"""));
        Assert.Equal(1, rules.ReloadFailures);
        Assert.Contains("cannot be read", Assert.Single(_events).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_in_a_ConfigMap_volume_are_reloaded_when_the_kubelet_swaps_the_data_link()
    {
        _directory.PublishConfigMap(new Dictionary<string, string> { ["masking.json"] = "{}", ["error-categories.json"] = "{}" });
        var rules = Open(new RuleFileOptions
        {
            Masking = _directory.File("masking.json"),
            ErrorCategories = _directory.File("error-categories.json"),
            ReloadCheckInterval = Interval,
        });

        _directory.PublishConfigMap(new Dictionary<string, string>
        {
            ["masking.json"] = OrderPattern,
            ["error-categories.json"] = """{ "DefaultCategory": "unexplained" }""",
        });
        _time.Advance(Interval);

        Assert.Contains("[order_ref]", Run(rules.Masking, """{"message":"ORD-123456"}"""));
        Assert.Contains("\"error_category\":\"unexplained\"", Run(rules.ErrorCategories, """{"level":"error","message":"something odd"}"""));
        Assert.Equal(2, rules.Reloads);
        Assert.All(_events, e => Assert.True(e.Succeeded));
    }

    [Fact]
    public void A_change_in_the_watched_directory_is_picked_up_after_the_quiet_time_without_waiting_for_the_poll()
    {
        var path = _directory.Write("masking.json", "{}");
        var rules = Open(new RuleFileOptions { Masking = path, ReloadCheckInterval = TimeSpan.FromHours(1) });
        Assert.Equal([_directory.Path], rules.WatchedDirectories);

        _directory.Write("masking.json", OrderPattern);
        // The watcher's event arrives on its own thread and arms the quiet-time timer on the fake clock; the check
        // runs only when that clock passes the quiet time, so advance it until the event has been seen.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (rules.Reloads == 0 && DateTime.UtcNow < deadline)
        {
            _time.Advance(Files.FileChangeMonitorTests.Debounce);
            Thread.Sleep(10);
        }

        Assert.Equal(1, rules.Reloads);
        Assert.True(_time.GetUtcNow() - _time.Start < TimeSpan.FromHours(1), "reloaded by the poll, not by the directory event");
        Assert.Contains("[order_ref]", Run(rules.Masking, """{"message":"ORD-123456"}"""));
    }

    [Fact]
    public void Error_category_and_normalization_rules_are_reloaded_too()
    {
        var categories = _directory.Write("error-categories.json", "{}");
        var normalization = _directory.Write("normalization.json", "{}");
        var rules = Open(new RuleFileOptions { ErrorCategories = categories, Normalization = normalization, ReloadCheckInterval = Interval });
        const string record = """{"level":"error","message":"the flux capacitor overheated","svc":"x"}""";
        Assert.Contains("\"error_category\":\"internal\"", Run(rules.ErrorCategories, record));

        _directory.Write("error-categories.json", """{ "Rules": [ { "Name": "hardware", "Phrases": [ "flux capacitor" ] } ] }""");
        _directory.Write("normalization.json", """{ "Rename": [ { "From": "svc", "To": "service_name" } ] }""");
        _time.Advance(Interval);

        Assert.Contains("\"error_category\":\"hardware\"", Run(rules.ErrorCategories, record));
        Assert.Contains("\"service_name\":\"x\"", Run(rules.Normalization!, record));
        Assert.Equal(2, rules.Reloads);
    }

    [Fact]
    public void A_switch_is_not_taken_from_a_rules_file()
    {
        var path = _directory.Write("normalization.json", """{ "Enabled": false }""");

        var problem = Assert.Single(new EnrichmentOptions { RuleFiles = new RuleFileOptions { Normalization = path } }.Validate());

        Assert.Contains("Enrichment:Normalization:Enabled cannot be set in a rules file", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_the_file_does_not_set_keep_the_configured_values()
    {
        var path = _directory.Write("masking.json", OrderPattern);

        var rules = Open(new RuleFileOptions { Masking = path }, o => o.Masking.KeyNames = ["customer ref"]);

        var masked = Run(rules.Masking, """{"message":"ORD-123456","customer_ref":"C-77"}""");
        Assert.StartsWith("""{"message":"[order_ref]","customer_ref":""", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("C-77", masked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_enriched_during_reloads_see_either_the_old_or_the_new_rules_never_a_mix()
    {
        const string a = """{ "Patterns": [ { "Name": "a", "Regex": "AAA[0-9]+" } ] }""";
        const string b = """{ "Patterns": [ { "Name": "b", "Regex": "BBB[0-9]+" } ] }""";
        var path = _directory.Write("masking.json", a);
        var rules = Open(new RuleFileOptions { Masking = path, ReloadCheckInterval = TimeSpan.Zero });
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var n = 0; n < 200 || !stop.IsCancellationRequested; n++)
            {
                seen.Add(Run(rules.Masking, """{"x":"AAA1","y":"BBB2"}"""));
            }
        })).ToArray();

        for (var i = 0; i < 20; i++)
        {
            _directory.Write("masking.json", i % 2 == 0 ? b : a);
            rules.CheckForUpdates();
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(20, rules.Reloads);
        Assert.All(seen, s => Assert.True(
            s is """{"x":"[a]","y":"BBB2"}""" or """{"x":"AAA1","y":"[b]"}""", s));
    }
}
