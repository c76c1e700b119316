using Enrichers.Files;
using Enrichers.Json;

namespace Enrichers.Rules;

/// <summary>A rule-driven enricher (masking, error categories, normalization) whose rules come from a file that is
/// reloaded while the worker runs. The enricher built from the rules is immutable; a reload builds a new one from
/// the changed file, checked as at start, and swaps the reference. Each record reads the reference once, so it is
/// enriched wholly by the old rules or wholly by the new ones; a refused file leaves the old enricher in place.</summary>
internal sealed class ReloadableRules : ILogEnricher
{
    private readonly WatchedFile _file;
    private readonly Func<string, ILogEnricher> _load;
    private ILogEnricher _current;

    /// <param name="rules">The rules' name in metrics and logs (<c>masking</c>, ...).</param>
    /// <param name="load">Reads the file at a path, checks it and builds the enricher; throws as
    /// <see cref="RulesFile.Read{T}"/> does, or <see cref="EnrichmentConfigurationException"/>.</param>
    /// <exception cref="Exception">Whatever <paramref name="load"/> throws for the file at start.</exception>
    public ReloadableRules(string rules, string path, Func<string, ILogEnricher> load)
    {
        Rules = rules;
        _load = load;
        // Read before the content: a replacement written meanwhile is seen as a change at the first check.
        var identity = FileIdentity.Of(path);
        _current = load(path);
        _file = new WatchedFile(path, identity);
        LoadedAt = File.GetLastWriteTimeUtc(path);
    }

    /// <summary><c>masking</c>, <c>error_categories</c> or <c>normalization</c>.</summary>
    public string Rules { get; }

    public string Path => _file.Path;

    /// <summary>Last write time of the file whose rules are in use.</summary>
    public DateTime LoadedAt { get; private set; }

    /// <summary>The enricher of the rules in use (for tests and diagnostics).</summary>
    internal ILogEnricher Current => Volatile.Read(ref _current);

    public string Name => Volatile.Read(ref _current).Name;

    public void Enrich(LogRecord record) => Volatile.Read(ref _current).Enrich(record);

    /// <summary>Checks the file and swaps in the rules of a valid replacement. Null when nothing changed. Called by
    /// one thread at a time (<see cref="FileChangeMonitor"/>); never throws.</summary>
    public RulesReloadEvent? Check()
    {
        var outcome = _file.Check(_load, out var replacement, out var problem);
        var still = $"still using the rules written {LoadedAt:u}";
        switch (outcome)
        {
            case FileCheckOutcome.Loaded:
                Volatile.Write(ref _current, replacement!);
                LoadedAt = SafeLastWrite();
                return new(Rules, Path, true, $"Rules file {Rules} '{Path}' reloaded (written {LoadedAt:u}).");
            case FileCheckOutcome.Unreadable:
                return new(Rules, Path, false, $"Rules file {Rules} '{Path}' cannot be read; {still}: {problem}");
            case FileCheckOutcome.Retry:
                return new(Rules, Path, false, $"Rules file {Rules} '{Path}' could not be read yet, will retry; {still}: {problem}");
            case FileCheckOutcome.Refused:
                return new(Rules, Path, false, $"Rules file {Rules} '{Path}' refused; {still}: {problem}");
            default:
                return null;
        }
    }

    private DateTime SafeLastWrite()
    {
        try
        {
            return File.GetLastWriteTimeUtc(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DateTime.UtcNow;
        }
    }
}
