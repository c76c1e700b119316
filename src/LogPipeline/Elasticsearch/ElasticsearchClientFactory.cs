using System.Security.Cryptography.X509Certificates;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace LogPipeline.Elasticsearch;

/// <summary>Builds the Elasticsearch client's transport from <see cref="ElasticsearchSinkOptions"/>: node URLs
/// or a Cloud ID; API key, bearer token or basic authentication; a client certificate (mutual TLS); TLS trust by CA
/// file or fingerprint, or none at all when asked for explicitly. Secrets are read from
/// the options or their files here and go nowhere else (in particular not into <see cref="Describe"/>).
/// <para>The transport is configured by <see cref="ElasticsearchClientSettings"/> (Elasticsearch's product check,
/// headers and compatibility), as the typed <see cref="ElasticsearchClient"/> would configure it, but that client
/// itself is not built: the worker sends only <c>_bulk</c> bodies it writes itself and a few management requests,
/// all through the transport, and building the typed client costs memory for nothing (figures:
/// docs/elasticsearch.md).</para></summary>
internal static class ElasticsearchClientFactory
{
    public static ITransport<IElasticsearchClientSettings> Create(ElasticsearchSinkOptions options)
    {
        // The options were validated where they were bound (ElasticsearchSinkOptionsValidator at start, setup's own
        // check), not again here.
        ArgumentNullException.ThrowIfNull(options);

        var auth = CreateAuthentication(options);
        NodePool pool;
        if (!string.IsNullOrWhiteSpace(options.CloudId))
        {
            pool = new CloudNodePool(options.CloudId,
                auth ?? throw new InvalidOperationException("Elasticsearch:CloudId needs Elasticsearch:ApiKey(File), BearerToken(File) or Username and Password(File)."));
        }
        else
        {
            var uris = options.EffectiveNodes.Select(n => new Uri(n)).ToList();
            pool = uris.Count == 1 ? new SingleNodePool(uris[0]) : new StaticNodePool(uris);
        }

        var settings = new ElasticsearchClientSettings(pool)
            .RequestTimeout(options.RequestTimeout)
            .EnableHttpCompression(options.Bulk.Compression)
            // The sink retries by itself (per item and per request, forever); a transport that also retried
            // would multiply attempts and hide outages from the health state.
            .MaximumRetries(0)
            .DisablePing();

        if (auth is not null && pool is not CloudNodePool)
        {
            settings = settings.Authentication(auth);
        }

        if (options.SkipTlsVerification)
        {
            settings = settings.ServerCertificateValidationCallback(static (_, _, _, _) => true);
        }
        else if (!string.IsNullOrWhiteSpace(options.CertificateFingerprint))
        {
            settings = settings.ServerCertificateValidationCallback(CertificateFingerprintValidation.Create(options.CertificateFingerprint));
        }
        else if (!string.IsNullOrWhiteSpace(options.CaCertificatePath))
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(options.CaCertificatePath);
            settings = settings.ServerCertificateValidationCallback(CertificateValidations.AuthorityIsRoot(ca));
        }

        if (LoadClientCertificate(options) is { } clientCertificate)
        {
            settings = settings.ClientCertificate(clientCertificate);
        }

        return new DistributedTransport<IElasticsearchClientSettings>(settings);
    }

    /// <summary>A loggable summary: nodes, authentication kind and TLS trust, never a secret.</summary>
    public static string Describe(ElasticsearchSinkOptions options)
    {
        var where = !string.IsNullOrWhiteSpace(options.CloudId) ? "cloud id" : string.Join(",", options.EffectiveNodes);
        var auth = !string.IsNullOrEmpty(options.ApiKey) || !string.IsNullOrEmpty(options.ApiKeyFile) ? "api key"
            : !string.IsNullOrEmpty(options.BearerToken) || !string.IsNullOrEmpty(options.BearerTokenFile) ? "bearer token"
            : !string.IsNullOrEmpty(options.Username) ? $"basic ({options.Username})" : "none";
        if (!string.IsNullOrWhiteSpace(options.ClientCertificatePath))
        {
            auth += " + client certificate";
        }

        var tls = options.SkipTlsVerification ? "NOT VERIFIED"
            : !string.IsNullOrWhiteSpace(options.CertificateFingerprint) ? "fingerprint"
            : !string.IsNullOrWhiteSpace(options.CaCertificatePath) ? $"ca {options.CaCertificatePath}" : "system";
        return $"nodes={where} auth={auth} tls={tls} mode={options.Mode} target={options.Target}";
    }

    /// <summary>The warning logged at every start while <see cref="ElasticsearchSinkOptions.SkipTlsVerification"/>
    /// is on, or null.</summary>
    public static string? TlsWarning(ElasticsearchSinkOptions options) => options.SkipTlsVerification
        ? $"{ElasticsearchSinkOptions.SectionName}:SkipTlsVerification = true: the cluster's certificate is NOT verified; anyone between this worker and the cluster can read and change what it sends, credentials included. Trust the cluster's CA (CaCertificatePath) or its fingerprint (CertificateFingerprint) instead."
        : null;

    private static AuthorizationHeader? CreateAuthentication(ElasticsearchSinkOptions options)
    {
        var apiKey = Secret(options.ApiKey, options.ApiKeyFile);
        if (apiKey is not null)
        {
            return new ApiKey(apiKey);
        }

        var bearer = Secret(options.BearerToken, options.BearerTokenFile);
        if (bearer is not null)
        {
            return new BearerTokenAuthentication(bearer);
        }

        var password = Secret(options.Password, options.PasswordFile);
        return !string.IsNullOrEmpty(options.Username) && password is not null
            ? new BasicAuthentication(options.Username, password)
            : null;
    }

    /// <summary>The client certificate for mutual TLS: a PEM certificate and key, or a PKCS#12 file.</summary>
    private static X509Certificate2? LoadClientCertificate(ElasticsearchSinkOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ClientCertificatePath))
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(options.ClientKeyPath))
        {
            return X509Certificate2.CreateFromPemFile(options.ClientCertificatePath, options.ClientKeyPath);
        }

        var password = Secret(null, options.ClientCertificatePasswordFile);
        return X509CertificateLoader.LoadPkcs12FromFile(options.ClientCertificatePath, password);
    }

    /// <summary>A secret given inline or as a file (trimmed); null when neither is set.</summary>
    /// <exception cref="InvalidOperationException">The file is empty.</exception>
    internal static string? Secret(string? value, string? file)
    {
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        // Mounted secrets often end with a newline that is not part of the secret.
        var text = File.ReadAllText(file).Trim();
        return text.Length > 0 ? text : throw new InvalidOperationException($"Secret file '{file}' is empty.");
    }
}
