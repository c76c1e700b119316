namespace Enrichers.Masking;

/// <summary>Options of PII and credential masking.</summary>
public sealed class MaskingOptions
{
    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        _ = prefix;
        return [];
    }
}
