namespace Enrichers.Rules;

/// <summary>Rules read from files that are reloaded while the worker runs (section <c>Enrichment:RuleFiles</c>),
/// typically a mounted ConfigMap. Each file is a JSON object with keys of its section
/// (<c>Enrichment:Masking</c>, <c>Enrichment:ErrorCategories</c>, <c>Enrichment:Normalization</c>): a key the file
/// sets replaces the configured value as a whole; keys it does not set keep the configured value. Secrets and
/// switches are not taken from a rules file (see <see cref="RulesFile"/>). Default: no files.</summary>
public sealed class RuleFileOptions
{
    public const string SectionName = EnrichmentOptions.SectionName + ":RuleFiles";

    /// <summary>Rules file over <c>Enrichment:Masking</c> (patterns, key names, ...; not the HMAC key). Default none.</summary>
    public string? Masking { get; set; }

    /// <summary>Rules file over <c>Enrichment:ErrorCategories</c> (<c>Rules</c>, <c>DefaultCategory</c>). Default none.</summary>
    public string? ErrorCategories { get; set; }

    /// <summary>Rules file over <c>Enrichment:Normalization</c> (every key but <c>Enabled</c>). Default none.</summary>
    public string? Normalization { get; set; }

    /// <summary>How often the files are checked for a change, besides the check that follows a change in their
    /// directory. Default 1 minute; <see cref="TimeSpan.Zero"/> turns reloading off (the files are read at start
    /// only).</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem with these keys (not with the files' content: <see cref="RuleSets.Validate"/>).</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (ReloadCheckInterval != TimeSpan.Zero
            && (ReloadCheckInterval < TimeSpan.FromSeconds(1) || ReloadCheckInterval > TimeSpan.FromDays(1)))
        {
            yield return $"{prefix}:ReloadCheckInterval is {ReloadCheckInterval}; allowed: 00:00:00 (off) or 00:00:01 to 1.00:00:00.";
        }

        foreach (var (key, path) in new[] { (nameof(Masking), Masking), (nameof(ErrorCategories), ErrorCategories), (nameof(Normalization), Normalization) })
        {
            if (path is not null && string.IsNullOrWhiteSpace(path))
            {
                yield return $"{prefix}:{key} is blank; allowed: the path of a JSON rules file, or no value (the configured rules only).";
            }
        }
    }
}
