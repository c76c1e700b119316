using System.Security.Cryptography.X509Certificates;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>How an <see cref="ElasticsearchTestServer"/> behaves: the release it answers as, TLS, and the
/// credential it requires.</summary>
internal sealed class ElasticsearchTestServerOptions
{
    public ElasticsearchTestServerVersion Version { get; init; } = ElasticsearchTestServerVersion.V9;

    /// <summary>Port on 127.0.0.1; 0 (default) picks a free one. Tests always use 0.</summary>
    public int Port { get; init; }

    /// <summary>Serves HTTPS with this certificate (with its private key) instead of HTTP.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Certificates sent after <see cref="ServerCertificate"/> (its CA), as Elasticsearch's own
    /// <c>http.p12</c> does: a client checking the CA's fingerprint needs it in the chain.</summary>
    public X509Certificate2Collection? ServerCertificateChain { get; init; }

    /// <summary>Requires this client certificate (mutual TLS; needs <see cref="ServerCertificate"/>): a TLS
    /// handshake without it, or with another one, fails.</summary>
    public X509Certificate2? RequiredClientCertificate { get; init; }

    /// <summary>The exact <c>Authorization</c> header every request must carry (e.g. <c>ApiKey …</c>,
    /// <c>Basic …</c>, <c>Bearer …</c>); others are answered 401 <c>security_exception</c> as Elasticsearch does.</summary>
    public string? RequiredAuthorization { get; init; }

    /// <summary>False answers without <c>X-Elastic-Product: Elasticsearch</c>, as a server that is not
    /// Elasticsearch (OpenSearch, a proxy's own page) does. Default true.</summary>
    public bool ProductHeader { get; init; } = true;
}
