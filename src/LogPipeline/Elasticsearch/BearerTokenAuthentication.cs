using Elastic.Transport;

namespace LogPipeline.Elasticsearch;

/// <summary><c>Authorization: Bearer &lt;token&gt;</c>: an OAuth2/JWT access token or an Elasticsearch
/// service-account token. The transport has API key and basic authentication only.</summary>
internal sealed class BearerTokenAuthentication(string token) : AuthorizationHeader
{
    public override string AuthScheme => "Bearer";

    public override bool TryGetAuthorizationParameters(out string value)
    {
        value = token;
        return true;
    }

    // Never the token itself: the header may end up in a debug string.
    public override string ToString() => "Bearer (hidden)";
}
