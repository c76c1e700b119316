namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Thrown inside the test server's handlers; becomes Elasticsearch's error response
/// <c>{"error":{"root_cause":[…],"type","reason","caused_by"},"status"}</c>.</summary>
internal sealed class EsErrorException(int status, string type, string reason, (string Type, string Reason)? causedBy = null) : Exception(reason)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string Reason { get; } = reason;

    public (string Type, string Reason)? CausedBy { get; } = causedBy;
}
