namespace Enrichers;

/// <summary>The enrichment configuration cannot be used (bad value, missing or corrupt GeoIP database).
/// The message is one line that names the setting or path and says how to fix it.</summary>
public sealed class EnrichmentConfigurationException : Exception
{
    public EnrichmentConfigurationException(string message)
        : base(message)
    {
    }

    public EnrichmentConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
