using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using LogPipeline.Elasticsearch;
using Microsoft.Extensions.DependencyInjection;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>An in-process Elasticsearch for tests and benchmarks (Kestrel on 127.0.0.1, random port). It speaks
/// the APIs the worker uses with Elasticsearch's response shapes and headers (<c>X-Elastic-Product</c>, gzip
/// request bodies, Content-Type matching Accept), is strict where Elasticsearch is strict, stores documents by
/// index and <c>_id</c>, and injects <see cref="Faults"/>. It can be stopped and started again on the same
/// port to simulate an outage.
/// <para>It answers as the release in <see cref="ElasticsearchTestServerOptions.Version"/> (8.x or 9.x): its banner,
/// the <c>compatible-with=N</c> media types that release accepts (others: <c>400 media_type_header_exception</c>),
/// the index settings it knows, ILM or not (Serverless). It can serve HTTPS, require a client certificate, and
/// require a credential.</para></summary>
internal sealed partial class ElasticsearchTestServer : IAsyncDisposable
{

    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _ilmPolicies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _componentTemplates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _indexTemplates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TestDataStream> _dataStreams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TestIndex> _indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, bool>> _aliases = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private int _port;
    private long _requests;
    private long _bulkRequests;
    private long _injectedItemRejections;
    private long _bulkHandlerTicks;
    private long _bulkResponseBytes;
    private long _refusedMediaTypes;
    private readonly Dictionary<int, long> _compatibleWithSeen = [];

    private ElasticsearchTestServer(ElasticsearchTestServerOptions options) => Options = options;

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c> (<c>https://</c> with a server certificate).</summary>
    public Uri Url => new($"{(Options.ServerCertificate is null ? "http" : "https")}://127.0.0.1:{_port}");

    public ElasticsearchTestServerOptions Options { get; }

    /// <summary>The release this server answers as.</summary>
    public ElasticsearchTestServerVersion Version => Options.Version;

    /// <summary>Requests refused for their <c>compatible-with</c> media type (400 media_type_header_exception).</summary>
    public long RefusedMediaTypes => Interlocked.Read(ref _refusedMediaTypes);

    /// <summary>The <c>compatible-with</c> values requests asked for, with how many asked for each (0: plain JSON).</summary>
    public IReadOnlyDictionary<int, long> CompatibleWithSeen
    {
        get
        {
            lock (_compatibleWithSeen)
            {
                return new Dictionary<int, long>(_compatibleWithSeen);
            }
        }
    }

    public ElasticsearchFaults Faults { get; } = new();

    /// <summary>False keeps only each document's <c>_id</c>, version and sequence number, not its source (searches
    /// return <c>{}</c>). Throughput benchmarks index millions of documents: holding every source would make this
    /// process's heap, not the worker, the thing measured. Every document is still parsed and validated.</summary>
    public bool KeepSources { get; set; } = true;

    /// <summary>Documents each new index is sized for. A growing index rehashes every document under all of its
    /// locks, which stalls every <c>_bulk</c> request meanwhile (a real cluster has no such pause); a benchmark
    /// that knows how many documents it sends sets this so the server's growth is not part of what it measures.
    /// Default 0 (grow as needed).</summary>
    public int InitialIndexCapacity { get; set; }

    public bool IsRunning => _app is not null;

    /// <summary>The Authorization header of the last request (tests check that secrets arrive; never logged).</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>Requests answered (all APIs).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary><c>_bulk</c> requests received (including failed ones).</summary>
    public long BulkRequests => Interlocked.Read(ref _bulkRequests);

    /// <summary>Bytes of the <c>_bulk</c> answers sent (after <c>filter_path</c>), summed over requests.</summary>
    public long BulkResponseBytes => Interlocked.Read(ref _bulkResponseBytes);

    /// <summary>Wall time spent inside the <c>_bulk</c> handler (parse, store, answer), summed over requests;
    /// lets a benchmark tell the server's share of the CPU from the client's.</summary>
    public TimeSpan BulkHandlerTime => TimeSpan.FromTicks(Interlocked.Read(ref _bulkHandlerTicks));

    /// <summary>Items answered 429 by <see cref="ElasticsearchFaults.ItemRejectionRate"/>.</summary>
    public long InjectedItemRejections => Interlocked.Read(ref _injectedItemRejections);

    public static Task<ElasticsearchTestServer> StartAsync() => StartAsync(new ElasticsearchTestServerOptions());

    /// <summary>Starts a server answering as <paramref name="version"/>.</summary>
    public static Task<ElasticsearchTestServer> StartAsync(ElasticsearchTestServerVersion version) =>
        StartAsync(new ElasticsearchTestServerOptions { Version = version });

    public static async Task<ElasticsearchTestServer> StartAsync(ElasticsearchTestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = new ElasticsearchTestServer(options);
        await server.StartListeningAsync(options.Port).ConfigureAwait(false);
        return server;
    }

    /// <summary>Stops listening (clients get "connection refused"); stored data is kept.</summary>
    public async Task StopAsync()
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Listens again on the same port after <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync()
    {
        if (_app is null)
        {
            await StartListeningAsync(_port).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    // ---- inspection for tests ----

    /// <summary>Documents in a target (index, alias, data stream, or a pattern with <c>*</c>).</summary>
    public long CountDocuments(string target)
    {
        lock (_lock)
        {
            return ResolveRead(target, allowMissing: true).Sum(i => (long)i.Documents.Count);
        }
    }

    /// <summary>Every <c>_id</c> in a target with how many indices hold it (1 everywhere = no duplicates).</summary>
    public IReadOnlyDictionary<string, int> DocumentIds(string target)
    {
        lock (_lock)
        {
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var index in ResolveRead(target, allowMissing: true))
            {
                foreach (var id in index.Documents.Ids)
                {
                    ids[id] = ids.GetValueOrDefault(id) + 1;
                }
            }

            return ids;
        }
    }

    public StoredDocument? GetDocument(string target, string id)
    {
        lock (_lock)
        {
            foreach (var index in ResolveRead(target, allowMissing: true))
            {
                if (index.Documents.TryGetValue(id, out var document))
                {
                    return document;
                }
            }

            return null;
        }
    }

    public JsonObject? IlmPolicy(string name) => Snapshot(_ilmPolicies, name);

    public JsonObject? ComponentTemplate(string name) => Snapshot(_componentTemplates, name);

    public JsonObject? IndexTemplate(string name) => Snapshot(_indexTemplates, name);

    public IReadOnlyList<string> DataStreamNames()
    {
        lock (_lock)
        {
            return [.. _dataStreams.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public IReadOnlyList<string> IndexNames()
    {
        lock (_lock)
        {
            return [.. _indices.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Index names an alias points to, with their is_write_index flag.</summary>
    public IReadOnlyDictionary<string, bool> Alias(string name)
    {
        lock (_lock)
        {
            return _aliases.TryGetValue(name, out var a) ? new Dictionary<string, bool>(a) : new Dictionary<string, bool>();
        }
    }

    private JsonObject? Snapshot(Dictionary<string, JsonObject> map, string name)
    {
        lock (_lock)
        {
            return map.TryGetValue(name, out var v) ? (JsonObject)v.DeepClone() : null;
        }
    }

    // ---- hosting ----

    private async Task StartListeningAsync(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                if (Options.ServerCertificate is { } certificate)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        ServerCertificateChain = Options.ServerCertificateChain,
                        ClientCertificateMode = Options.RequiredClientCertificate is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                        // Only the one certificate the test names is let in: a real cluster checks the chain against
                        // its CA, which for a self-signed test certificate is the same as comparing it.
                        ClientCertificateValidation = (presented, _, _) =>
                            Options.RequiredClientCertificate is { } required && presented.Thumbprint == required.Thumbprint,
                    });
                }
            });
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        LastAuthorization = context.Request.Headers.Authorization.ToString();
        var faults = Faults;
        if (faults.DropConnections)
        {
            context.Abort();
            return;
        }

        if (await AnswerAsProxyAsync(context).ConfigureAwait(false))
        {
            return;
        }

        if (faults.ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(faults.ResponseDelay, context.RequestAborted).ConfigureAwait(false);
        }

        var request = context.Request;
        var response = context.Response;
        if (Options.ProductHeader)
        {
            response.Headers["X-elastic-product"] = "Elasticsearch";
        }

        var accept = request.Headers.Accept.ToString();
        var acceptVersion = CompatibleWith(accept);
        response.ContentType = accept.Contains("vnd.elasticsearch+json", StringComparison.Ordinal)
            ? $"application/vnd.elasticsearch+json;compatible-with={acceptVersion ?? Version.Major}"
            : "application/json";

        try
        {
            CheckMediaTypes(accept, acceptVersion, request.ContentType);
            if (Options.RequiredAuthorization is { } required && request.Headers.Authorization.ToString() != required)
            {
                response.Headers.WWWAuthenticate = "Basic realm=\"security\", charset=\"UTF-8\", Bearer realm=\"security\", ApiKey";
                throw new EsErrorException(401, "security_exception",
                    request.Headers.Authorization.Count == 0
                        ? $"missing authentication credentials for REST request [{request.Path}]"
                        : $"unable to authenticate with provided credentials and anonymous access is not allowed for this request");
            }

            if (faults.FailAllRequests)
            {
                throw new EsErrorException(faults.RequestFailureStatus, "unavailable_shards_exception", "injected failure: the cluster is unavailable");
            }

            if (faults.MaxContentLength is { } max && request.ContentLength > max)
            {
                // Elasticsearch answers an oversized body with a bare 413.
                response.StatusCode = 413;
                return;
            }

            // Bodies are megabytes: read into a pooled buffer, so the server does not churn the large-object heap
            // (its collections would compete with the worker for the same cores in benchmarks).
            using var body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
            if (faults.MaxContentLength is { } max2 && request.ContentLength is null && body.WrittenCount > max2)
            {
                response.StatusCode = 413;
                return;
            }

            var segments = request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
            var filter = ResponseFilter.Parse(request.Query["filter_path"]);
            if (segments is [.. var prefix, "_bulk"] && prefix.Length <= 1 && (HttpMethods.IsPut(request.Method) || HttpMethods.IsPost(request.Method)))
            {
                RefuseUnknownParameters(request, BulkParameters);
                using var answer = new PooledBufferWriter(64 * 1024);
                var bulkStatus = Bulk(prefix.Length == 1 ? prefix[0] : null, body.WrittenMemory, answer, filter);
                if (faults.TakeLostResponse())
                {
                    await Task.Delay(faults.LostResponseDelay, context.RequestAborted).ConfigureAwait(false);
                }

                response.StatusCode = bulkStatus;
                Interlocked.Add(ref _bulkResponseBytes, answer.WrittenCount);
                await response.Body.WriteAsync(answer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            var (status, json) = Route(request.Method, segments, request.Query, body.WrittenSpan.ToArray());
            response.StatusCode = status;
            if (json is not null && filter is not null && status < 400 && json.Length > 0 && json[0] == (byte)'{')
            {
                var filtered = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
                filter.Apply(json, filtered);
                json = filtered.WrittenSpan.ToArray();
            }

            if (json is not null && !HttpMethods.IsHead(request.Method))
            {
                await response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (EsErrorException e)
        {
            response.StatusCode = e.Status;
            if (!HttpMethods.IsHead(request.Method))
            {
                await response.Body.WriteAsync(ErrorBody(e.Status, e.Type, e.Reason, e.CausedBy), context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>The N of <c>compatible-with=N</c> in a media type, or null (plain JSON).</summary>
    private static int? CompatibleWith(string mediaType) =>
        CompatibleWithPattern().Match(mediaType) is { Success: true } m && int.TryParse(m.Groups[1].ValueSpan, out var n) ? n : null;

    /// <summary>Refuses a <c>compatible-with</c> this release does not speak, with Elasticsearch's answer: it accepts
    /// its own major and the one before.</summary>
    private void CheckMediaTypes(string accept, int? acceptVersion, string? contentType)
    {
        var contentVersion = contentType is null ? null : CompatibleWith(contentType);
        lock (_compatibleWithSeen)
        {
            var seen = acceptVersion ?? contentVersion ?? 0;
            _compatibleWithSeen[seen] = _compatibleWithSeen.GetValueOrDefault(seen) + 1;
        }

        var major = Version.Major;
        bool Refused(int? v) => v is { } n && n != major && n != major - 1;
        if (!Refused(acceptVersion) && !Refused(contentVersion))
        {
            return;
        }

        Interlocked.Increment(ref _refusedMediaTypes);
        var headers = (Refused(acceptVersion), Refused(contentVersion)) switch
        {
            (true, true) => "Accept, Content-Type",
            (true, false) => "Accept",
            _ => "Content-Type",
        };
        var cause = Refused(acceptVersion)
            ? $"Accept version must be either version {major} or {major - 1}, but found {acceptVersion}. Accept={accept}"
            : $"Content-Type version must be either version {major} or {major - 1}, but found {contentVersion}. Content-Type={contentType}";
        throw new EsErrorException(400, "media_type_header_exception", $"Invalid media-type value on headers [{headers}]", ("status_exception", cause));
    }

    [GeneratedRegex(@"compatible-with=(\d+)")]
    private static partial Regex CompatibleWithPattern();

    private static async Task<PooledBufferWriter> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var buffer = new PooledBufferWriter((int)Math.Min(request.ContentLength ?? 16 * 1024, 256L * 1024 * 1024) + 1);
        try
        {
            var encoding = request.Headers.ContentEncoding.ToString();
            if (encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
                    await CopyAsync(gzip, buffer, ct).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new EsErrorException(400, "illegal_argument_exception", "request body is not valid gzip: " + e.Message);
                }
            }
            else
            {
                await CopyAsync(request.Body, buffer, ct).ConfigureAwait(false);
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static async Task CopyAsync(Stream source, PooledBufferWriter destination, CancellationToken ct)
    {
        int n;
        while ((n = await source.ReadAsync(destination.GetMemory(64 * 1024), ct).ConfigureAwait(false)) > 0)
        {
            destination.Advance(n);
        }
    }

    private (int Status, byte[]? Body) Route(string method, string[] s, IQueryCollection query, byte[] body)
    {
        var get = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var put = HttpMethods.IsPut(method) || HttpMethods.IsPost(method);
        var delete = HttpMethods.IsDelete(method);
        switch (s.Length)
        {
            case 0 when get:
                return (200, RootInfo());
            case >= 2 when s[0] == "_cluster" && s[1] == "health" && get:
                return (200, ClusterHealth());
            case 1 when s[0] == "_count":
                return (200, Count("*"));
            case 2 when s[1] == "_count":
                return (200, Count(s[0]));
            case 1 when s[0] == "_refresh":
            case 2 when s[1] == "_refresh":
                return (200, Json(w => Shards(w)));
            case 3 when s[0] == "_ilm" && s[1] == "policy":
                return get ? GetIlmPolicy(s[2]) : put ? PutIlmPolicy(s[2], body) : delete ? Delete(_ilmPolicies, s[2], "resource_not_found_exception", $"Lifecycle policy not found: {s[2]}") : NoHandler(method, s);
            case 2 when s[0] == "_component_template":
                return get ? GetTemplate(_componentTemplates, "component_templates", "component_template", s[1]) : put ? PutComponentTemplate(s[1], body, IsTrue(query, "create")) : delete ? Delete(_componentTemplates, s[1], "resource_not_found_exception", $"component template matching [{s[1]}] not found") : NoHandler(method, s);
            case 2 when s[0] == "_index_template":
                return get ? GetTemplate(_indexTemplates, "index_templates", "index_template", s[1]) : put ? PutIndexTemplate(s[1], body, IsTrue(query, "create")) : delete ? Delete(_indexTemplates, s[1], "resource_not_found_exception", $"index_template matching [{s[1]}] not found") : NoHandler(method, s);
            case 2 when s[0] == "_data_stream":
                return get ? GetDataStream(s[1]) : HttpMethods.IsPut(method) ? PutDataStream(s[1]) : delete ? DeleteDataStream(s[1]) : NoHandler(method, s);
            case 3 when s[0] == "_security" && s[1] == "user" && s[2] == "_has_privileges" && (get || put):
                return (200, HasPrivileges(body));
            case 2 when s[0] == "_alias" && get:
                return GetAlias(s[1]);
            case 3 when s[1] == "_doc" && get:
                return GetDoc(s[0], s[2]);
            case 1 when !s[0].StartsWith('_'):
                return get ? GetIndex(s[0]) : HttpMethods.IsPut(method) ? PutIndex(s[0], body) : delete ? DeleteIndex(s[0]) : NoHandler(method, s);
            default:
                return NoHandler(method, s);
        }
    }

    private static (int, byte[]?) NoHandler(string method, string[] s) =>
        throw new EsErrorException(400, "illegal_argument_exception", $"no handler found for uri [/{string.Join('/', s)}] and method [{method}]");

    private static bool IsTrue(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var v) && (v.ToString() is "" or "true");

    private byte[] RootInfo() => Json(w =>
    {
        var version = Version;
        w.WriteString("name", "test-node");
        w.WriteString("cluster_name", "logpipeline-test");
        w.WriteString("cluster_uuid", "logpipeline-test-cluster-uuid");
        w.WriteStartObject("version");
        w.WriteString("number", version.Number);
        w.WriteString("build_flavor", version.BuildFlavor);
        w.WriteString("build_type", "docker");
        w.WriteString("build_hash", "0000000000000000000000000000000000000000");
        w.WriteString("build_date", version.Major >= 9 ? "2025-07-01T00:00:00.000Z" : "2024-10-09T00:00:00.000Z");
        w.WriteBoolean("build_snapshot", false);
        w.WriteString("lucene_version", version.LuceneVersion);
        w.WriteString("minimum_wire_compatibility_version", version.MinimumWireCompatibilityVersion);
        w.WriteString("minimum_index_compatibility_version", version.MinimumIndexCompatibilityVersion);
        w.WriteEndObject();
        w.WriteString("tagline", "You Know, for Search");
    });

    private byte[] ClusterHealth()
    {
        int shards;
        lock (_lock)
        {
            shards = _indices.Count;
        }

        return Json(w =>
        {
            w.WriteString("cluster_name", "logpipeline-test");
            w.WriteString("status", "green");
            w.WriteBoolean("timed_out", false);
            w.WriteNumber("number_of_nodes", 1);
            w.WriteNumber("number_of_data_nodes", 1);
            w.WriteNumber("active_primary_shards", shards);
            w.WriteNumber("active_shards", shards);
            w.WriteNumber("relocating_shards", 0);
            w.WriteNumber("initializing_shards", 0);
            w.WriteNumber("unassigned_shards", 0);
            w.WriteNumber("delayed_unassigned_shards", 0);
            w.WriteNumber("number_of_pending_tasks", 0);
            w.WriteNumber("number_of_in_flight_fetch", 0);
            w.WriteNumber("task_max_waiting_in_queue_millis", 0);
            w.WriteNumber("active_shards_percent_as_number", 100.0);
        });
    }

    private byte[] Count(string target)
    {
        long count;
        lock (_lock)
        {
            count = ResolveRead(target, allowMissing: false).Sum(i => (long)i.Documents.Count);
        }

        return Json(w =>
        {
            w.WriteNumber("count", count);
            Shards(w);
        });
    }

    private static void Shards(Utf8JsonWriter w)
    {
        w.WriteStartObject("_shards");
        w.WriteNumber("total", 1);
        w.WriteNumber("successful", 1);
        w.WriteNumber("skipped", 0);
        w.WriteNumber("failed", 0);
        w.WriteEndObject();
    }

    internal static byte[] ErrorBody(int status, string type, string reason, (string Type, string Reason)? causedBy = null) => Json(w =>
    {
        w.WriteStartObject("error");
        w.WriteStartArray("root_cause");
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("reason", reason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("type", type);
        w.WriteString("reason", reason);
        if (causedBy is { } cause)
        {
            w.WriteStartObject("caused_by");
            w.WriteString("type", cause.Type);
            w.WriteString("reason", cause.Reason);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteNumber("status", status);
    });

    internal static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Acknowledged(Action<Utf8JsonWriter>? more = null) => Json(w =>
    {
        w.WriteBoolean("acknowledged", true);
        more?.Invoke(w);
    });
}
