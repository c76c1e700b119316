namespace LogPipeline.Elasticsearch;

/// <summary>A resource could not be read or installed. The message names the resource and gives the cluster's
/// reason (error type and text) or the connection failure.</summary>
public sealed class ElasticsearchBootstrapException : Exception
{
    public ElasticsearchBootstrapException(string resource, int? statusCode, string errorType, string reason, Exception? inner = null)
        : base($"Elasticsearch bootstrap failed for {resource}: " +
               (statusCode is { } s ? $"HTTP {s} {errorType}: {reason}" : $"{errorType}: {reason}"), inner)
    {
        Resource = resource;
        StatusCode = statusCode;
        ErrorType = errorType;
        Reason = reason;
    }

    public string Resource { get; }

    /// <summary>The HTTP status, or null when no response came (connection failure, timeout).</summary>
    public int? StatusCode { get; }

    public string ErrorType { get; }

    public string Reason { get; }

    /// <summary>Worth retrying: no response, 429 or a 5xx.</summary>
    public bool IsTransient => StatusCode is null or 429 or >= 500;
}
