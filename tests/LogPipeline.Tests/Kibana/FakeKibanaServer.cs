using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Tests.Kibana;

/// <summary>Kibana's saved-objects import endpoint as the tests need it, on 127.0.0.1: strict about the
/// <c>kbn-xsrf</c> header and the multipart <c>file</c> field like Kibana, answers in Kibana's response shape,
/// reports missing references and types it was told not to support, and remembers what it stored.</summary>
internal sealed class FakeKibanaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _unavailableAnswersLeft;

    private FakeKibanaServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Stored objects by "type/id" (per space: "space:type/id" outside the default space).</summary>
    public ConcurrentDictionary<string, JsonObject> Objects { get; } = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Types answered with <c>unsupported_type</c> (as a Kibana without that plugin would).</summary>
    public HashSet<string> UnsupportedTypes { get; } = [];

    /// <summary>API key the server requires (none required when null).</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>The oldest migration version this Kibana can still migrate from (Kibana 9 dropped the 7.x
    /// migrations: 8.0.0); an object stamped older fails the whole import with 400, as Kibana refuses a document it
    /// cannot migrate. Null accepts any.</summary>
    public Version? OldestMigrationVersion { get; set; }

    public void AnswerUnavailable(int times) => _unavailableAnswersLeft = times;

    public sealed record RecordedRequest(string Path, string Query, string? Xsrf, string? Authorization, int Lines);

    /// <summary>Starts on 127.0.0.1 with a free port; over HTTPS with <paramref name="certificate"/> when given.</summary>
    public static async Task<FakeKibanaServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        FakeKibanaServer? server = null;
        app.MapPost("/api/saved_objects/_import", (HttpContext c) => server!.ImportAsync(c, null));
        app.MapPost("/s/{space}/api/saved_objects/_import", (HttpContext c, string space) => server!.ImportAsync(c, space));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeKibanaServer(app, new Uri(address));
        return server;
    }

    private async Task ImportAsync(HttpContext context, string? space)
    {
        var request = context.Request;
        var auth = request.Headers.Authorization.ToString();
        string? ndjson = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            if (form.Files.GetFile("file") is { } file)
            {
                // Kibana checks the uploaded file's extension before reading it.
                if (!file.FileName.EndsWith(".ndjson", StringComparison.Ordinal))
                {
                    await Error(context, 415, "Unsupported Media Type", $"Invalid file extension {Path.GetExtension(file.FileName)}");
                    return;
                }

                using var reader = new StreamReader(file.OpenReadStream());
                ndjson = await reader.ReadToEndAsync();
            }
        }

        var lines = ndjson?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];
        Requests.Enqueue(new(request.Path, request.QueryString.Value ?? "", request.Headers["kbn-xsrf"].FirstOrDefault(),
            auth.Length == 0 ? null : auth, lines.Length));

        if (Interlocked.Decrement(ref _unavailableAnswersLeft) >= 0)
        {
            await Error(context, 503, "Service Unavailable", "Kibana server is not ready yet");
            return;
        }

        if (RequiredApiKey is not null && auth != "ApiKey " + RequiredApiKey)
        {
            await Error(context, 401, "Unauthorized", "[security_exception]: unable to authenticate with provided credentials");
            return;
        }

        if (!request.Headers.ContainsKey("kbn-xsrf"))
        {
            await Error(context, 400, "Bad Request", "Request must contain a kbn-xsrf header.");
            return;
        }

        if (ndjson is null)
        {
            await Error(context, 400, "Bad Request", "[request body.file]: expected value of type [Stream] but got [undefined]");
            return;
        }

        var overwrite = request.Query["overwrite"] == "true";
        var incoming = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        if (OldestMigrationVersion is { } oldest
            && incoming.FirstOrDefault(o => Version.Parse((string?)o["typeMigrationVersion"] ?? "0.0.0") < oldest) is { } stale)
        {
            await Error(context, 400, "Bad Request",
                $"Document \"{stale["id"]}\" belongs to a version of Kibana that can't be migrated ({stale["typeMigrationVersion"]}); the oldest supported is {oldest}.");
            return;
        }

        var key = (string type, string id) => (space is null ? "" : space + ":") + type + "/" + id;
        var errors = new JsonArray();
        var successes = new JsonArray();
        foreach (var o in incoming)
        {
            var type = (string)o["type"]!;
            var id = (string)o["id"]!;
            var title = (string?)o["attributes"]?["title"];
            if (UnsupportedTypes.Contains(type))
            {
                errors.Add(new JsonObject { ["id"] = id, ["type"] = type, ["title"] = title, ["meta"] = new JsonObject { ["title"] = title },
                    ["error"] = new JsonObject { ["type"] = "unsupported_type" } });
                continue;
            }

            var missing = new JsonArray();
            foreach (var r in o["references"]?.AsArray() ?? [])
            {
                var (rType, rId) = ((string)r!["type"]!, (string)r["id"]!);
                if (!incoming.Any(i => (string)i["type"]! == rType && (string)i["id"]! == rId) && !Objects.ContainsKey(key(rType, rId)))
                {
                    missing.Add(new JsonObject { ["type"] = rType, ["id"] = rId });
                }
            }

            if (missing.Count > 0)
            {
                errors.Add(new JsonObject { ["id"] = id, ["type"] = type, ["title"] = title, ["meta"] = new JsonObject { ["title"] = title },
                    ["error"] = new JsonObject { ["type"] = "missing_references", ["references"] = missing } });
                continue;
            }

            var exists = Objects.ContainsKey(key(type, id));
            if (exists && !overwrite)
            {
                errors.Add(new JsonObject { ["id"] = id, ["type"] = type, ["title"] = title, ["meta"] = new JsonObject { ["title"] = title },
                    ["error"] = new JsonObject { ["type"] = "conflict" } });
                continue;
            }

            var success = new JsonObject { ["type"] = type, ["id"] = id, ["meta"] = new JsonObject { ["title"] = title, ["icon"] = "app" } };
            if (exists)
            {
                success["overwrite"] = true;
            }

            successes.Add(success);
        }

        if (errors.Count == 0)
        {
            foreach (var o in incoming)
            {
                Objects[key((string)o["type"]!, (string)o["id"]!)] = o;
            }
        }

        var answer = new JsonObject
        {
            ["success"] = errors.Count == 0,
            ["successCount"] = errors.Count == 0 ? successes.Count : 0,
            ["successResults"] = errors.Count == 0 ? successes : new JsonArray(),
            ["warnings"] = new JsonArray(),
        };
        if (errors.Count > 0)
        {
            answer["errors"] = errors;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private static Task Error(HttpContext context, int status, string error, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { statusCode = status, error, message }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
