namespace LogPipeline.Tests.Elasticsearch;

/// <summary>A fact that runs against a real cluster named by <c>LOGPIPELINE_ES_URL</c> (for example
/// <c>http://127.0.0.1:9200</c>) and is skipped, with that reason, when the variable is not set. Credentials:
/// <c>LOGPIPELINE_ES_API_KEY</c>, or <c>LOGPIPELINE_ES_USERNAME</c> + <c>LOGPIPELINE_ES_PASSWORD</c>;
/// <c>LOGPIPELINE_ES_FINGERPRINT</c> for a self-signed certificate.</summary>
public sealed class RealClusterFactAttribute : FactAttribute
{
    public const string Variable = "LOGPIPELINE_ES_URL";

    public RealClusterFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set: set it to an Elasticsearch URL to run the real-cluster suite";
        }
    }

    public static Uri Url => new(Environment.GetEnvironmentVariable(Variable)!);
}
