namespace Enrichers.Rules;

/// <summary>A rules file was reloaded, or a changed file was refused (the rules in use stay). <see cref="Message"/>
/// names the path and why; it quotes what the start-up check would quote, never a secret.</summary>
/// <param name="Rules"><c>masking</c>, <c>error_categories</c> or <c>normalization</c>.</param>
/// <param name="Path">The configured path.</param>
/// <param name="Succeeded">True when the new rules are in use.</param>
/// <param name="Message">One line for the log.</param>
public sealed record RulesReloadEvent(string Rules, string Path, bool Succeeded, string Message);
