namespace LogPipeline.Elasticsearch;

/// <summary>A resource could not be read or installed, or the cluster is not one the worker supports. The message
/// names the resource and gives the cluster's reason (error type and text) or the connection failure.</summary>
internal sealed class ElasticsearchBootstrapException : Exception
{
    public ElasticsearchBootstrapException(string resource, int? statusCode, string errorType, string reason, Exception? inner = null)
        : base($"Elasticsearch bootstrap failed for {resource}: " +
               (statusCode is { } s ? $"HTTP {s} {errorType}: {reason}" : $"{errorType}: {reason}"), inner)
    {
        Resource = resource;
        StatusCode = statusCode;
        ErrorType = errorType;
        Reason = reason;
        IsTransient = statusCode is null or 429 or >= 500;
    }

    private ElasticsearchBootstrapException(string reason)
        : base(reason)
    {
        Resource = "the cluster";
        ErrorType = UnsupportedServer;
        Reason = reason;
    }

    /// <summary><see cref="ErrorType"/> of a server the worker refuses (too old, or not Elasticsearch).</summary>
    public const string UnsupportedServer = "unsupported_server";

    public string Resource { get; }

    /// <summary>The HTTP status, or null when no response came (connection failure, timeout) or the server was
    /// refused for what it is.</summary>
    public int? StatusCode { get; }

    public string ErrorType { get; }

    public string Reason { get; }

    /// <summary>Worth retrying: no response, 429 or a 5xx. A refused server is never transient.</summary>
    public bool IsTransient { get; }

    /// <summary>An exception's message with those of its inner exceptions ("The SSL connection could not be
    /// established: the remote certificate is invalid…"): the outer one alone often says "see inner exception".</summary>
    public static string Describe(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += ": " + inner.Message;
        }

        return text;
    }

    /// <summary>The server answered but is not one the worker supports; <paramref name="reason"/> is the whole
    /// message, one line.</summary>
    public static ElasticsearchBootstrapException Unsupported(string reason) => new(reason);
}
