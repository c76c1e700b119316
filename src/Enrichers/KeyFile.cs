using System.Text;

namespace Enrichers;

/// <summary>Reads a secret key from a mounted file, for the keyed HMACs of masking and GeoIP. Mounted secrets
/// often end with a newline that is not part of the key, so the text is trimmed. The key itself never appears
/// in a message.</summary>
internal static class KeyFile
{
    /// <exception cref="EnrichmentConfigurationException">The file cannot be read; the message names
    /// <paramref name="key"/> and the path.</exception>
    public static byte[] Read(string path, string key)
    {
        try
        {
            return Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EnrichmentConfigurationException(
                $"{key} is '{path}', which cannot be read ({ex.GetType().Name}); allowed: a file readable by the process, holding the key.", ex);
        }
    }
}
