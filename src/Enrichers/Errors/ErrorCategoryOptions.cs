namespace Enrichers.Errors;

/// <summary>Options of Error categorization.</summary>
public sealed class ErrorCategoryOptions
{
    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        _ = prefix;
        return [];
    }
}
