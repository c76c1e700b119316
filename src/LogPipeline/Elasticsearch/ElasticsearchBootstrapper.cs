using System.Text.Json;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace LogPipeline.Elasticsearch;

/// <summary>Installs the ILM policy, component templates, index template and the data stream (or first index
/// and write alias) when missing. Idempotent and safe when many pods start at once: a resource on the
/// cluster whose <c>_meta.version</c> is equal or newer is left alone, an older one is replaced; templates
/// are created with <c>?create=true</c> so two pods racing on a missing template cannot overwrite a newer
/// one, and "already exists" answers from a lost race count as success.</summary>
internal sealed class ElasticsearchBootstrapper
{
    /// <summary>Keys of <c>_meta</c> that carry rendered configuration (not the file's version): a difference
    /// replaces the resource even at the same version.</summary>
    private static readonly string[] RenderedMetaKeys = ["retention_days", "lifecycle"];

    private readonly ITransport<IElasticsearchClientSettings> _client;
    private readonly ElasticsearchSinkOptions _options;
    private readonly ILogger _logger;
    private IndexTemplateSet? _templates;
    private ElasticsearchProtocol? _protocol;

    /// <summary>A bootstrapper that first reads the cluster's version (<see cref="ElasticsearchProtocol.NegotiateAsync"/>).</summary>
    public ElasticsearchBootstrapper(ITransport<IElasticsearchClientSettings> client, ElasticsearchSinkOptions options, ILogger? logger = null)
        : this(client, options, (ElasticsearchProtocol?)null, logger)
    {
    }

    /// <summary>A bootstrapper for a cluster whose protocol is already negotiated (null: negotiate first).</summary>
    public ElasticsearchBootstrapper(ITransport<IElasticsearchClientSettings> client, ElasticsearchSinkOptions options, ElasticsearchProtocol? protocol, ILogger? logger = null)
    {
        _client = client;
        _options = options;
        _protocol = protocol;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>A bootstrapper that installs exactly <paramref name="templates"/> (tests render them themselves).</summary>
    public ElasticsearchBootstrapper(ITransport<IElasticsearchClientSettings> client, ElasticsearchSinkOptions options, IndexTemplateSet templates, ILogger? logger = null)
        : this(client, options, (ElasticsearchProtocol?)null, logger)
    {
        _templates = templates;
    }

    /// <summary>Runs every step once. Throws <see cref="ElasticsearchBootstrapException"/> naming the first
    /// resource that failed, or the cluster when it is not one the worker supports.</summary>
    /// <param name="progress">Told of each resource as soon as it is done (<c>setup</c> shows them as they come).</param>
    public async Task<BootstrapReport> RunAsync(CancellationToken cancellationToken, Action<BootstrapResourceResult>? progress = null)
    {
        _protocol ??= await ElasticsearchProtocol.NegotiateAsync(_client, cancellationToken).ConfigureAwait(false);
        _templates ??= IndexTemplateSet.Create(_options, _options.ResolveRetentionDays(), _protocol);
        var results = new List<BootstrapResourceResult>();
        foreach (var resource in _templates.Resources)
        {
            results.Add(await EnsureVersionedAsync(resource, cancellationToken).ConfigureAwait(false));
            progress?.Invoke(results[^1]);
        }

        results.Add(_options.Mode == ElasticsearchIndexMode.DataStream
            ? await EnsureDataStreamAsync(cancellationToken).ConfigureAwait(false)
            : await EnsureWriteAliasAsync(cancellationToken).ConfigureAwait(false));
        progress?.Invoke(results[^1]);

        foreach (var r in results)
        {
            _logger.LogInformation("Elasticsearch bootstrap: {Result}", r);
        }

        return new BootstrapReport(results, _protocol, _templates.Lifecycle);
    }

    private async Task<BootstrapResourceResult> EnsureVersionedAsync(ManagedResource resource, CancellationToken ct)
    {
        // Two rounds at most: a create that loses a race to another pod re-reads what that pod installed.
        for (var round = 0; ; round++)
        {
            var existing = await ReadAsync(resource, ct).ConfigureAwait(false);
            if (existing is null)
            {
                var create = resource.Kind != ManagedResourceKind.IlmPolicy;
                var (status, body) = await SendAsync(resource.DisplayName, HttpMethod.PUT, resource.Path + (create ? "?create=true" : ""), resource.Body, ct).ConfigureAwait(false);
                if (IsSuccess(status))
                {
                    return new(resource.Kind, resource.Name, BootstrapOutcome.Created, null, resource.Version, $"version {resource.Version}");
                }

                if (round == 0 && status == 400 && body.Contains("already exists", StringComparison.Ordinal))
                {
                    continue;
                }

                throw Failure(resource.DisplayName, status, body, null);
            }

            var (clusterVersion, clusterMeta) = existing.Value;
            var changed = clusterVersion == resource.Version ? RenderedChange(resource, clusterMeta) : null;
            if (clusterVersion > resource.Version || (clusterVersion == resource.Version && changed is null))
            {
                var detail = clusterVersion > resource.Version
                    ? $"cluster has newer version {clusterVersion}, worker has {resource.Version}"
                    : $"version {clusterVersion}";
                return new(resource.Kind, resource.Name, BootstrapOutcome.Unchanged, clusterVersion, resource.Version, detail);
            }

            var (putStatus, putBody) = await SendAsync(resource.DisplayName, HttpMethod.PUT, resource.Path, resource.Body, ct).ConfigureAwait(false);
            if (!IsSuccess(putStatus))
            {
                throw Failure(resource.DisplayName, putStatus, putBody, null);
            }

            var why = changed ?? $"version {clusterVersion} -> {resource.Version}";
            return new(resource.Kind, resource.Name, BootstrapOutcome.Updated, clusterVersion, resource.Version, why);
        }
    }

    /// <summary>What rendered configuration differs between the worker's resource and the cluster's copy of the
    /// same version (e.g. "retention set to 14 days"), or null when nothing does.</summary>
    private static string? RenderedChange(ManagedResource resource, JsonObject? clusterMeta)
    {
        var workerMeta = resource.Kind == ManagedResourceKind.IlmPolicy ? resource.Body["policy"]?["_meta"] : resource.Body["_meta"];
        foreach (var key in RenderedMetaKeys)
        {
            if (workerMeta?[key] is { } value && clusterMeta?[key]?.ToJsonString() != value.ToJsonString())
            {
                return key == "retention_days" ? $"retention set to {value} days" : $"lifecycle set to {value}";
            }
        }

        return null;
    }

    /// <summary>The cluster's <c>_meta.version</c> and <c>_meta</c> of a resource, or null when it is missing.</summary>
    private async Task<(long Version, JsonObject? Meta)?> ReadAsync(ManagedResource resource, CancellationToken ct)
    {
        var (status, body) = await SendAsync(resource.DisplayName, HttpMethod.GET, resource.Path, null, ct).ConfigureAwait(false);
        if (status == 404)
        {
            return null;
        }

        if (!IsSuccess(status))
        {
            throw Failure(resource.DisplayName, status, body, null);
        }

        var root = JsonNode.Parse(body);
        JsonNode? meta = resource.Kind switch
        {
            ManagedResourceKind.IlmPolicy => root?[resource.Name]?["policy"]?["_meta"],
            ManagedResourceKind.ComponentTemplate => FirstNamed(root?["component_templates"], resource.Name)?["component_template"]?["_meta"],
            _ => FirstNamed(root?["index_templates"], resource.Name)?["index_template"]?["_meta"],
        };

        if (resource.Kind != ManagedResourceKind.IlmPolicy && FirstNamed(root?[resource.Kind == ManagedResourceKind.ComponentTemplate ? "component_templates" : "index_templates"], resource.Name) is null)
        {
            return null;
        }

        return (IndexTemplateSet.MetaVersion(meta), meta as JsonObject);
    }

    private async Task<BootstrapResourceResult> EnsureDataStreamAsync(CancellationToken ct)
    {
        var name = _options.Target;
        var display = $"data stream [{name}]";
        var (status, body) = await SendAsync(display, HttpMethod.GET, $"/_data_stream/{name}", null, ct).ConfigureAwait(false);
        if (IsSuccess(status))
        {
            return new(ManagedResourceKind.DataStream, name, BootstrapOutcome.Unchanged, null, null, "exists");
        }

        if (status != 404)
        {
            throw Failure(display, status, body, null);
        }

        (status, body) = await SendAsync(display, HttpMethod.PUT, $"/_data_stream/{name}", null, ct).ConfigureAwait(false);
        if (IsSuccess(status))
        {
            return new(ManagedResourceKind.DataStream, name, BootstrapOutcome.Created, null, null, "");
        }

        if (status == 400 && body.Contains("resource_already_exists_exception", StringComparison.Ordinal))
        {
            return new(ManagedResourceKind.DataStream, name, BootstrapOutcome.Unchanged, null, null, "created by another worker");
        }

        throw Failure(display, status, body, null);
    }

    private async Task<BootstrapResourceResult> EnsureWriteAliasAsync(CancellationToken ct)
    {
        var alias = _options.Target;
        var first = $"{alias}-000001";
        var display = $"write index [{first}] with alias [{alias}]";
        var (status, body) = await SendAsync(display, HttpMethod.GET, $"/_alias/{alias}", null, ct).ConfigureAwait(false);
        if (IsSuccess(status))
        {
            return new(ManagedResourceKind.WriteIndex, alias, BootstrapOutcome.Unchanged, null, null, "alias exists");
        }

        if (status != 404)
        {
            throw Failure(display, status, body, null);
        }

        var create = new JsonObject { ["aliases"] = new JsonObject { [alias] = new JsonObject { ["is_write_index"] = true } } };
        (status, body) = await SendAsync(display, HttpMethod.PUT, $"/{first}", create, ct).ConfigureAwait(false);
        if (IsSuccess(status))
        {
            return new(ManagedResourceKind.WriteIndex, alias, BootstrapOutcome.Created, null, null, $"index {first}");
        }

        if (status == 400 && body.Contains("resource_already_exists_exception", StringComparison.Ordinal))
        {
            var (again, againBody) = await SendAsync(display, HttpMethod.GET, $"/_alias/{alias}", null, ct).ConfigureAwait(false);
            if (IsSuccess(again))
            {
                return new(ManagedResourceKind.WriteIndex, alias, BootstrapOutcome.Unchanged, null, null, "created by another worker");
            }

            throw Failure(display, again, againBody, null);
        }

        throw Failure(display, status, body, null);
    }

    private async Task<(int? Status, string Body)> SendAsync(string display, HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        try
        {
            var post = body is null ? null : PostData.String(body.ToJsonString());
            var response = await _client.RequestAsync<StringResponse>(method, path, post, _protocol!.Json, ct).ConfigureAwait(false);
            var details = response.ApiCallDetails;
            if (details.HttpStatusCode is null)
            {
                var e = details.OriginalException;
                throw new ElasticsearchBootstrapException(display, null, "connection_failed", $"{method} {path}: {(e is null ? "no response" : ElasticsearchBootstrapException.Describe(e))}", e);
            }

            return (details.HttpStatusCode, response.Body ?? "");
        }
        catch (Exception e) when (e is not ElasticsearchBootstrapException and not OperationCanceledException)
        {
            throw new ElasticsearchBootstrapException(display, null, "connection_failed", $"{method} {path}: {ElasticsearchBootstrapException.Describe(e)}", e);
        }
    }

    private static JsonNode? FirstNamed(JsonNode? array, string name) =>
        array is JsonArray a ? a.FirstOrDefault(n => n?["name"]?.GetValue<string>() == name) : null;

    private static bool IsSuccess(int? status) => status is >= 200 and < 300;

    private static ElasticsearchBootstrapException Failure(string resource, int? status, string body, Exception? inner)
    {
        var (type, reason) = ParseError(body);
        return new ElasticsearchBootstrapException(resource, status, type, reason, inner);
    }

    /// <summary>Elasticsearch's error type and reason (with the root cause when it says more).</summary>
    internal static (string Type, string Reason) ParseError(string body)
    {
        try
        {
            var error = JsonNode.Parse(body)?["error"];
            if (error is JsonValue v)
            {
                return ("error", v.ToString());
            }

            var type = error?["type"]?.GetValue<string>() ?? "unknown_error";
            var reason = error?["reason"]?.GetValue<string>() ?? Truncate(body);
            var cause = error?["caused_by"]?["reason"]?.GetValue<string>();
            return (type, cause is null ? reason : $"{reason}; caused by: {cause}");
        }
        catch (JsonException)
        {
            return ("unparsable_response", Truncate(body));
        }
    }

    private static string Truncate(string text) =>
        text.Length <= 500 ? text : text[..500] + "…";
}
