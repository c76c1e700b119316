using Enrichers.Errors;
using Enrichers.Files;
using Enrichers.Masking;
using Enrichers.Normalization;

namespace Enrichers.Rules;

/// <summary>The rule-driven enrichers of the chain (error categories, masking, normalization), each built from its
/// configured section and, when <see cref="RuleFileOptions"/> names one, its rules file. The files are watched
/// (<see cref="FileChangeMonitor"/>, the mechanism the GeoIP databases use) and a changed file is checked exactly as
/// at start before its rules replace the old ones; a refused file keeps the old rules. Thread-safe.</summary>
public sealed class RuleSets : IDisposable
{
    public const string MaskingRules = "masking";
    public const string ErrorCategoryRules = "error_categories";
    public const string NormalizationRules = "normalization";

    private const string MaskingSection = EnrichmentOptions.SectionName + ":Masking";
    private const string ErrorCategorySection = EnrichmentOptions.SectionName + ":ErrorCategories";
    private const string NormalizationSection = EnrichmentOptions.SectionName + ":Normalization";

    // Secrets come from the configuration or a secret volume, never from a ConfigMap; whether the stage runs at all
    // is a deployment decision, not a rule.
    private static readonly string[] MaskingExcluded = [nameof(MaskingOptions.HmacKey), nameof(MaskingOptions.HmacKeyFile)];
    private static readonly string[] NormalizationExcluded = [nameof(NormalizationOptions.Enabled)];

    private readonly ReloadableRules[] _reloadable;
    private readonly FileChangeMonitor _monitor;
    private long _reloads;
    private long _reloadFailures;

    private RuleSets(ILogEnricher errorCategories, ILogEnricher masking, ILogEnricher? normalization, RuleFileOptions files, TimeProvider time)
    {
        ErrorCategories = errorCategories;
        Masking = masking;
        Normalization = normalization;
        _reloadable = new[] { errorCategories, masking, normalization }.OfType<ReloadableRules>().ToArray();
        _monitor = new FileChangeMonitor(_reloadable.Select(r => r.Path),
            _reloadable.Length == 0 ? TimeSpan.Zero : files.ReloadCheckInterval, FileChangeMonitor.DefaultDebounce, time, CheckFiles);
    }

    public ILogEnricher ErrorCategories { get; }

    public ILogEnricher Masking { get; }

    /// <summary>Null when <c>Enrichment:Normalization:Enabled</c> is false.</summary>
    public ILogEnricher? Normalization { get; }

    /// <summary>Raised after a rules file was reloaded or a changed one refused. Runs on the checking thread;
    /// handlers must not throw.</summary>
    public event Action<RulesReloadEvent>? RulesChanged;

    /// <summary>Rules files switched to since start.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Changed rules files refused (invalid, unreadable).</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    /// <summary>The directories watched for changes (empty without rules files, or when watching is unavailable
    /// and only polling finds changes).</summary>
    public IReadOnlyList<string> WatchedDirectories => _monitor.WatchedDirectories;

    /// <summary>Every problem with the rules files of <paramref name="options"/>: each file is read, laid over its
    /// section and checked with the section's own check. Run with the configuration check at start.</summary>
    public static IEnumerable<string> Validate(EnrichmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var files = options.RuleFiles;
        var problems = new List<string>();
        Check(files.Masking, nameof(RuleFileOptions.Masking), p => ReadMasking(p, options));
        Check(files.ErrorCategories, nameof(RuleFileOptions.ErrorCategories), p => ReadErrorCategories(p, options));
        Check(files.Normalization, nameof(RuleFileOptions.Normalization), p => ReadNormalization(p, options));
        return problems;

        void Check(string? path, string key, Action<string> read)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                return;
            }

            try
            {
                read(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add(Describe(key, path, e));
            }
        }
    }

    /// <summary>Checks the rules files now and swaps in the rules of each valid replacement; never throws.</summary>
    public void CheckForUpdates() => _monitor.CheckNow();

    public void Dispose() => _monitor.Dispose();

    /// <summary>Builds the enrichers (reading the rules files) of options already validated.</summary>
    /// <exception cref="EnrichmentConfigurationException">A rules file is missing or refused; the message names the
    /// key, the path and why.</exception>
    internal static RuleSets Open(EnrichmentOptions options, EnrichmentStatistics statistics, TimeProvider time)
    {
        var files = options.RuleFiles;
        var errorCategories = Build(ErrorCategoryRules, nameof(RuleFileOptions.ErrorCategories), files.ErrorCategories,
            () => new ErrorCategoryEnricher(options.ErrorCategories, statistics),
            path => new ErrorCategoryEnricher(ReadErrorCategories(path, options), statistics));
        var masking = Build(MaskingRules, nameof(RuleFileOptions.Masking), files.Masking,
            () => new PiiMaskingEnricher(options.Masking, statistics),
            path => new PiiMaskingEnricher(ReadMasking(path, options), statistics));
        var normalization = options.Normalization.Enabled
            ? Build(NormalizationRules, nameof(RuleFileOptions.Normalization), files.Normalization,
                () => new NormalizationEnricher(options.Normalization, statistics),
                path => new NormalizationEnricher(ReadNormalization(path, options), statistics))
            : null;
        return new RuleSets(errorCategories, masking, normalization, files, time);
    }

    private static ILogEnricher Build(string rules, string key, string? path, Func<ILogEnricher> fromConfiguration, Func<string, ILogEnricher> fromFile)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            // No file: the enricher itself, with nothing between it and the record.
            return fromConfiguration();
        }

        try
        {
            return new ReloadableRules(rules, path, fromFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or EnrichmentConfigurationException)
        {
            throw new EnrichmentConfigurationException(Describe(key, path, e), e);
        }
    }

    private static string Describe(string key, string path, Exception e) => e switch
    {
        FileNotFoundException => $"{RuleFileOptions.SectionName}:{key} is '{path}', but no file is there; allowed: the path of a JSON rules file, or no value.",
        InvalidDataException or EnrichmentConfigurationException => $"{RuleFileOptions.SectionName}:{key} is '{path}', which is refused: {e.Message}",
        _ => $"{RuleFileOptions.SectionName}:{key} is '{path}', which cannot be read ({e.Message}).",
    };

    private static MaskingOptions ReadMasking(string path, EnrichmentOptions options) =>
        RulesFile.Read(path, options.Masking, MaskingSection, MaskingExcluded, (o, prefix) => o.Validate(prefix));

    private static ErrorCategoryOptions ReadErrorCategories(string path, EnrichmentOptions options) =>
        RulesFile.Read(path, options.ErrorCategories, ErrorCategorySection, [], (o, prefix) => o.Validate(prefix));

    private static NormalizationOptions ReadNormalization(string path, EnrichmentOptions options) =>
        RulesFile.Read(path, options.Normalization, NormalizationSection, NormalizationExcluded, (o, prefix) => o.Validate(prefix));

    private void CheckFiles()
    {
        foreach (var rules in _reloadable)
        {
            RulesReloadEvent? e;
            try
            {
                e = rules.Check();
            }
            catch (Exception ex)
            {
                e = new RulesReloadEvent(rules.Rules, rules.Path, false, $"Rules file {rules.Rules} '{rules.Path}' check failed: {ex.Message}");
            }

            if (e is null)
            {
                continue;
            }

            Interlocked.Increment(ref e.Succeeded ? ref _reloads : ref _reloadFailures);
            try
            {
                RulesChanged?.Invoke(e);
            }
            catch (Exception)
            {
                // A broken handler must not stop reloading.
            }
        }
    }
}
