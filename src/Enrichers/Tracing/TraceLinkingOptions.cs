namespace Enrichers.Tracing;

/// <summary>Options of Trace linking.</summary>
public sealed class TraceLinkingOptions
{
    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        _ = prefix;
        return [];
    }
}
