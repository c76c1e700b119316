using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace LogPipeline.Elasticsearch;

/// <summary>How the worker talks to one cluster, decided once at start from <c>GET /</c>: the media types of every
/// request (bootstrap, <c>_bulk</c>, everything) and which index features the cluster's version accepts.
/// <para>A server accepts <c>compatible-with=N</c> only for its own major and the one before: 8.x answers
/// <c>compatible-with=9</c> with <c>400 media_type_header_exception</c>, so the worker asks for the cluster's own
/// major (8 or 9). Majors above 9 are spoken to as 9, which REST compatibility promises they accept.</para></summary>
internal sealed class ElasticsearchProtocol
{
    /// <summary>The oldest release the worker supports: the data stream lifecycle (<c>template.lifecycle</c>)
    /// exists from 8.11.</summary>
    public static readonly Version MinimumVersion = new(8, 11, 0);

    /// <summary>The newest major the worker was tested with; newer ones are spoken to as this one.</summary>
    public const int NewestTestedMajor = 9;

    /// <summary>First release with <c>index.mapping.total_fields.ignore_dynamic_beyond_limit</c>; older ones refuse
    /// a template that sets it.</summary>
    public static readonly Version IgnoreDynamicBeyondLimitSince = new(8, 13, 0);

    // Asked before the major is known: plain JSON is accepted by every version.
    private static readonly RequestConfiguration PlainJson = new()
    {
        Accept = "application/json",
        ContentType = "application/json",
        ResponseHeadersToParse = new HeadersList(ProductHeader),
    };

    private const string ProductHeader = "X-Elastic-Product";

    private ElasticsearchProtocol(ElasticsearchServerInfo server)
    {
        Server = server;
        CompatibleWith = Math.Min(server.Version.Major, NewestTestedMajor);
        var json = $"application/vnd.elasticsearch+json;compatible-with={CompatibleWith}";
        Json = new RequestConfiguration { ContentType = json, Accept = json };
        Bulk = new RequestConfiguration
        {
            ContentType = $"application/vnd.elasticsearch+x-ndjson;compatible-with={CompatibleWith}",
            Accept = json,
            // Without chunking the transport first copies the body into a new MemoryStream, growing it by doubling:
            // several times the body in large-object allocations per request, which made nearly every GC a full one
            // (figures: docs/worker.md, third session).
            // Chunked, the body is streamed to the connection as it is written (BulkBodyWriter.WriteToAsync).
            TransferEncodingChunked = true,
        };
    }

    public ElasticsearchServerInfo Server { get; }

    /// <summary>The REST API major every request asks for (<c>compatible-with=N</c>).</summary>
    public int CompatibleWith { get; }

    /// <summary>Media types of JSON requests (management APIs).</summary>
    public RequestConfiguration Json { get; }

    /// <summary>Media types of <c>_bulk</c> requests (NDJSON body, JSON answer), sent chunked.</summary>
    public RequestConfiguration Bulk { get; }

    /// <summary>Whether the cluster knows <c>index.mapping.total_fields.ignore_dynamic_beyond_limit</c> (8.13+).</summary>
    public bool SupportsIgnoreDynamicBeyondLimit => Server.Version >= IgnoreDynamicBeyondLimitSince;

    /// <summary>Whether the cluster has index lifecycle management (every release but Serverless).</summary>
    public bool SupportsIlm => !Server.IsServerless;

    /// <summary>Whether the major is newer than any the worker was tested with.</summary>
    public bool IsNewerThanTested => Server.Version.Major > NewestTestedMajor;

    public override string ToString() => $"{Server}, REST API compatible-with={CompatibleWith}";

    /// <summary>The protocol for a server, or an exception whose message is the one line that says why the
    /// server is refused (older than <see cref="MinimumVersion"/>, or not Elasticsearch).</summary>
    public static ElasticsearchProtocol For(ElasticsearchServerInfo server, string where)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.ProductHeader)
        {
            throw ElasticsearchBootstrapException.Unsupported(
                $"the server at {where} is not Elasticsearch (its GET / answer has no X-Elastic-Product: Elasticsearch header; version.number {server.Version.ToString(3)}): LogPipeline needs Elasticsearch {ElasticsearchServerInfo.Short(MinimumVersion)} or later.");
        }

        if (server.Version < MinimumVersion)
        {
            throw ElasticsearchBootstrapException.Unsupported(
                $"Elasticsearch {server.Version.ToString(3)} at {where} is not supported: LogPipeline needs {ElasticsearchServerInfo.Short(MinimumVersion)} or later (8.x from 8.11, 9.x).");
        }

        return new ElasticsearchProtocol(server);
    }

    /// <summary>Reads <c>GET /</c> and decides the protocol. A failure to get an answer (connection, timeout, 429,
    /// 5xx) is a transient <see cref="ElasticsearchBootstrapException"/>; an answer that is not a supported
    /// Elasticsearch is a permanent one.</summary>
    public static async Task<ElasticsearchProtocol> NegotiateAsync(ITransport<IElasticsearchClientSettings> transport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        const string display = "the cluster (GET /)";
        StringResponse response;
        try
        {
            response = await transport.RequestAsync<StringResponse>(HttpMethod.GET, "/", null, PlainJson, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ElasticsearchBootstrapException(display, null, "connection_failed", $"GET /: {ElasticsearchBootstrapException.Describe(e)}", e);
        }

        var details = response.ApiCallDetails;
        var where = details.Uri?.GetLeftPart(UriPartial.Authority) ?? "the configured nodes";
        if (details.HttpStatusCode is not { } status)
        {
            var e = details.OriginalException;
            if (e is not null && e.GetType().Name.Contains("UnsupportedProduct", StringComparison.Ordinal))
            {
                throw ElasticsearchBootstrapException.Unsupported(
                    $"the server at {where} is not Elasticsearch (no X-Elastic-Product: Elasticsearch header): LogPipeline needs Elasticsearch {ElasticsearchServerInfo.Short(MinimumVersion)} or later.");
            }

            throw new ElasticsearchBootstrapException(display, null, "connection_failed", $"GET /: {(e is null ? "no response" : ElasticsearchBootstrapException.Describe(e))}", e);
        }

        var body = response.Body ?? "";
        if (status is < 200 or >= 300)
        {
            var (type, reason) = ElasticsearchBootstrapper.ParseError(body);
            throw new ElasticsearchBootstrapException(display, status, type, reason);
        }

        var product = details.TryGetHeader(ProductHeader, out var values) && values.Any(v => string.Equals(v, "Elasticsearch", StringComparison.Ordinal));
        var server = ElasticsearchServerInfo.Parse(body, product)
            ?? throw ElasticsearchBootstrapException.Unsupported(
                $"the server at {where} is not Elasticsearch: its GET / answer has no version.number.");
        return For(server, where);
    }
}
