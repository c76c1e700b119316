using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace LogPipeline.Kibana;

/// <summary>Imports the Kibana saved objects shipped with LogPipeline (the <c>smm-logs-*</c> data view and the
/// three dashboards with their searches and visualizations) through Kibana's saved-objects import API, with
/// <c>overwrite=true</c> so running <c>setup</c> again updates them in place (their ids are fixed).</summary>
internal sealed class KibanaImporter
{
    /// <summary>Manifest name of the embedded copy of index-templates/kibana/smm-logs.ndjson.</summary>
    public const string ResourceName = "kibana/smm-logs.ndjson";

    private readonly HttpClient _http;
    private readonly KibanaImportOptions _options;

    public KibanaImporter(HttpClient http, KibanaImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
    }

    /// <summary>An HTTP client for Kibana. With <paramref name="caCertificatePath"/> (PEM or DER), Kibana's certificate
    /// must chain to that CA (e.g. the self-signed CA of an ECK-managed Kibana) and match the host name; without it
    /// the system trust store decides.</summary>
    public static HttpClient CreateHttpClient(string? caCertificatePath, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler();
        if (!string.IsNullOrEmpty(caCertificatePath))
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caCertificatePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                {
                    return false;
                }

                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return chain.Build(leaf);
            };
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }

    /// <summary>The saved objects embedded in the assembly, as NDJSON bytes.</summary>
    public static byte[] LoadEmbeddedObjects()
    {
        using var stream = typeof(KibanaImporter).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Imports <paramref name="ndjson"/> (default: the embedded objects) and reports each object.</summary>
    /// <exception cref="KibanaImportException">Kibana is unreachable, refused the request, or refused some objects.</exception>
    public async Task<IReadOnlyList<KibanaObjectResult>> ImportAsync(byte[]? ndjson = null, CancellationToken cancellationToken = default)
    {
        ndjson ??= LoadEmbeddedObjects();
        var uri = _options.ImportUri;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var request = CreateRequest(uri, ndjson);
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
            {
                // Retrying cannot help: the certificate or the TLS settings are wrong.
                throw new KibanaImportException(
                    $"TLS with Kibana at {Display(uri)} failed: {Reason(e)} (if Kibana uses a private CA, give its certificate: setup --kibana-ca)",
                    unavailable: false, e);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt < _options.Attempts)
                {
                    await Task.Delay(_options.RetryDelay, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new KibanaImportException($"Kibana at {Display(uri)} is unreachable: {Reason(e)}", unavailable: true, e);
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < _options.Attempts)
                {
                    // Kibana answers 503 "Kibana server is not ready yet" while it starts or migrates.
                    await Task.Delay(_options.RetryDelay, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new KibanaImportException(
                        $"Kibana refused the saved-objects import ({(int)response.StatusCode} {response.ReasonPhrase}): {ErrorMessage(body)}",
                        unavailable: response.StatusCode == HttpStatusCode.ServiceUnavailable);
                }

                return ParseResults(body);
            }
        }
    }

    private HttpRequestMessage CreateRequest(Uri uri, byte[] ndjson)
    {
        var file = new ByteArrayContent(ndjson);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/ndjson");
        var form = new MultipartFormDataContent { { file, "file", "smm-logs.ndjson" } };
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = form };
        // Kibana refuses state-changing API calls without it (cross-site request forgery guard).
        request.Headers.Add("kbn-xsrf", "logpipeline");
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", _options.ApiKey);
        }
        else if (!string.IsNullOrEmpty(_options.Username))
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }

        return request;
    }

    private static List<KibanaObjectResult> ParseResults(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new KibanaImportException($"Kibana's import answer is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var described = errors.EnumerateArray().Select(DescribeError).ToList();
                throw new KibanaImportException(
                    $"Kibana refused {described.Count} saved object(s): {string.Join("; ", described)}");
            }

            var results = new List<KibanaObjectResult>();
            if (root.TryGetProperty("successResults", out var successes) && successes.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in successes.EnumerateArray())
                {
                    var overwritten = s.TryGetProperty("overwrite", out var o) && o.ValueKind == JsonValueKind.True;
                    string? title = s.TryGetProperty("meta", out var meta) && meta.TryGetProperty("title", out var t) ? t.GetString() : null;
                    results.Add(new(
                        s.GetProperty("type").GetString() ?? "?",
                        s.GetProperty("id").GetString() ?? "?",
                        title,
                        overwritten ? KibanaObjectOutcome.Updated : KibanaObjectOutcome.Created));
                }
            }

            if (!(root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True))
            {
                throw new KibanaImportException("Kibana answered the import without success and without errors.");
            }

            return results;
        }
    }

    private static string DescribeError(JsonElement error)
    {
        var type = error.TryGetProperty("type", out var t) ? t.GetString() : "?";
        var id = error.TryGetProperty("id", out var i) ? i.GetString() : "?";
        var kind = error.TryGetProperty("error", out var e) && e.TryGetProperty("type", out var k) ? k.GetString() : "unknown";
        var detail = kind switch
        {
            "missing_references" when e.TryGetProperty("references", out var refs) =>
                "missing " + string.Join(", ", refs.EnumerateArray().Select(r => $"{r.GetProperty("type").GetString()} {r.GetProperty("id").GetString()}")),
            "unsupported_type" => "type not supported by this Kibana",
            _ when e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) => m.GetString(),
            _ => null,
        };
        return $"{type} [{id}] {kind}{(detail is null ? "" : ": " + detail)}";
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message))
            {
                return message.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
        }

        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line.Length == 0 ? "(empty body)" : line;
    }

    private static string Reason(Exception e) => e switch
    {
        TaskCanceledException => "timed out",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => e.Message,
    };

    /// <summary>The URL without user info (never print credentials embedded in a URL).</summary>
    private static string Display(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}
