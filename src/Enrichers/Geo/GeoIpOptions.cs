namespace Enrichers.Geo;

/// <summary>Options of GeoIP lookup and address anonymization.</summary>
public sealed class GeoIpOptions
{
    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        _ = prefix;
        return [];
    }
}
