namespace Enrichers.Normalization;

/// <summary>A user's rename (Logstash <c>mutate.rename</c>, Vector <c>remap</c>): the value at <see cref="From"/>
/// moves to <see cref="To"/>, replacing a value there. Renames run before the shape rules, so a producer's own
/// name can be turned into one the rules or the enrichers recognize.</summary>
public sealed class RenameRule
{
    public RenameRule()
    {
    }

    public RenameRule(string from, string to)
    {
        From = from;
        To = to;
    }

    /// <summary>The dotted path moved.</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>The dotted path it moves to.</summary>
    public string To { get; set; } = string.Empty;
}
