namespace Enrichers.Masking;

/// <summary>A value pattern added by configuration: every match of <see cref="Regex"/> in a string value is
/// replaced by <c>[name]</c> (or its HMAC token) and counted under <see cref="Name"/>.</summary>
public sealed class MaskingPattern
{
    /// <summary>Lowercase name: letters, digits and <c>_</c>, at most 32 characters; not a built-in name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>A .NET regular expression. It runs with a 50 ms timeout per value; a value that times out
    /// is replaced whole by the marker (fail closed).</summary>
    public string Regex { get; set; } = string.Empty;
}
