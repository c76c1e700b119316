namespace LogPipeline.Kibana;

/// <summary>The import failed; the message is one line naming Kibana's reason.</summary>
internal sealed class KibanaImportException(string message, bool unavailable = false, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>True when Kibana could not be reached (connection refused, timeout, 503), as opposed to refusing
    /// the request or the objects.</summary>
    public bool Unavailable { get; } = unavailable;
}
