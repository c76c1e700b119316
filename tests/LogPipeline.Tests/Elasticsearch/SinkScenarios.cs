using System.Net.Http.Headers;
using System.Text.Json;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The scenarios of the Elasticsearch sink, written against HTTP only so the same code runs on the test
/// server (with faults) and on a real cluster (<see cref="RealClusterFactAttribute"/>).</summary>
internal static class SinkScenarios
{
    public static ElasticsearchSinkOptions Options(Uri url, string ns = "default", Action<ElasticsearchSinkOptions>? configure = null)
    {
        var options = new ElasticsearchSinkOptions
        {
            Nodes = [url.ToString()],
            Namespace = ns,
            RetentionDays = 30,
            RequestTimeout = TimeSpan.FromSeconds(30),
            Bulk =
            {
                MaxDocuments = 1000,
                FlushInterval = TimeSpan.FromMilliseconds(50),
                RetryInitialDelay = TimeSpan.FromMilliseconds(10),
                RetryMaxDelay = TimeSpan.FromMilliseconds(250),
                MaxConcurrentRequests = 2,
            },
        };
        // A secured real cluster: the same variables the real-cluster suite documents.
        options.ApiKey = Environment.GetEnvironmentVariable("LOGPIPELINE_ES_API_KEY");
        options.Username = Environment.GetEnvironmentVariable("LOGPIPELINE_ES_USERNAME");
        options.Password = Environment.GetEnvironmentVariable("LOGPIPELINE_ES_PASSWORD");
        options.CertificateFingerprint = Environment.GetEnvironmentVariable("LOGPIPELINE_ES_FINGERPRINT");
        configure?.Invoke(options);
        return options;
    }

    public static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>Starts a sink, writes the records, flushes, and returns what was acknowledged or rejected.</summary>
    public static async Task<RecordingAcknowledger> IndexAsync(
        ElasticsearchSinkOptions options,
        IReadOnlyList<PipelineRecord> records,
        PipelineMetrics? metrics = null,
        Func<ElasticsearchSink, Task>? whileRunning = null)
    {
        var ct = Timeout(180);
        var acknowledger = new RecordingAcknowledger();
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, metrics ?? new PipelineMetrics());
        await sink.StartAsync(acknowledger, ct);
        var background = whileRunning?.Invoke(sink) ?? Task.CompletedTask;
        foreach (var record in records)
        {
            await sink.WriteAsync(record, ct);
        }

        await sink.FlushAsync(ct);
        await background;
        return acknowledger;
    }

    /// <summary>Refreshes and counts documents over HTTP (<c>_refresh</c>, <c>_count</c>).</summary>
    public static async Task<long> CountAsync(Uri url, string target)
    {
        using var http = Http(url);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        (await http.PostAsync($"/{target}/_refresh", null)).EnsureSuccessStatusCode();
        var response = await http.GetAsync($"/{target}/_count");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("count").GetInt64();
    }

    public static async Task DeleteDataStreamAsync(Uri url, string name)
    {
        using var http = Http(url);
        await http.DeleteAsync($"/_data_stream/{name}");
    }

    /// <summary>A plain HTTP client with the real-cluster credentials (if any) for checks outside the sink.</summary>
    private static HttpClient Http(Uri url)
    {
        var handler = new HttpClientHandler();
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LOGPIPELINE_ES_FINGERPRINT")))
        {
            // The sink checks the fingerprint; these helper calls only count documents.
            handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }

        var http = new HttpClient(handler) { BaseAddress = url };
        if (Environment.GetEnvironmentVariable("LOGPIPELINE_ES_API_KEY") is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        }
        else if (Environment.GetEnvironmentVariable("LOGPIPELINE_ES_USERNAME") is { Length: > 0 } user)
        {
            var pair = System.Text.Encoding.UTF8.GetBytes($"{user}:{Environment.GetEnvironmentVariable("LOGPIPELINE_ES_PASSWORD")}");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }

        return http;
    }

    // ---- scenarios ----

    /// <summary>Bootstrap twice in a row, then from two bootstrappers at once: no errors, and the second runs
    /// change nothing.</summary>
    public static async Task BootstrapTwiceAndConcurrentlyAsync(Uri url, string ns)
    {
        var options = Options(url, ns);
        var first = await new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(Timeout());
        Assert.Equal(first.Lifecycle == ElasticsearchLifecycle.Ilm ? 6 : 5, first.Resources.Count);

        var second = await new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(Timeout());
        Assert.All(second.Resources, r => Assert.Equal(BootstrapOutcome.Unchanged, r.Outcome));

        var concurrent = await Task.WhenAll(
            new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(Timeout()),
            new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(Timeout()));
        Assert.All(concurrent.SelectMany(r => r.Resources), r => Assert.Equal(BootstrapOutcome.Unchanged, r.Outcome));
    }

    /// <summary>Records are indexed exactly once and none is rejected; returns the acknowledger.</summary>
    public static async Task<RecordingAcknowledger> AllIndexedExactlyOnceAsync(Uri url, string ns, int count, Action<ElasticsearchSinkOptions>? configure = null, Func<ElasticsearchSink, Task>? whileRunning = null)
    {
        var options = Options(url, ns, configure);
        var records = SomeLogRecords.Many(count);
        var acknowledger = await IndexAsync(options, records, whileRunning: whileRunning);

        Assert.Empty(acknowledger.Rejected);
        Assert.Empty(acknowledger.ReportedTwice);
        Assert.Equal(count, acknowledger.AcknowledgedCount);
        Assert.Equal(count, await CountAsync(url, options.Target));
        return acknowledger;
    }

    /// <summary>The same records delivered again (a redelivery after a crash) leave one document each.</summary>
    public static async Task RedeliveryLeavesOneDocumentAsync(Uri url, string ns)
    {
        var options = Options(url, ns);
        var records = SomeLogRecords.Many(500);
        var once = await IndexAsync(options, records);
        var again = await IndexAsync(options, [.. records.Take(200), records[0], records[0]]);

        Assert.Equal(500, once.AcknowledgedCount);
        Assert.Equal(202, again.AcknowledgedCount);
        Assert.Empty(again.Rejected);
        Assert.Equal(500, await CountAsync(url, options.Target));
    }

    /// <summary>Poisoned documents are rejected with Elasticsearch's reason; every other record is indexed.</summary>
    public static async Task MappingErrorsAreRejectedWithTheReasonAsync(Uri url, string ns)
    {
        var options = Options(url, ns);
        var records = SomeLogRecords.Many(2000);
        var poisoned = new HashSet<RecordOrigin>();
        for (var i = 7; i < records.Count; i += 97)
        {
            records[i] = SomeLogRecords.Poisoned(records[i].Origin.Topic, records[i].Origin.Partition, records[i].Origin.Offset);
            poisoned.Add(records[i].Origin);
        }

        var acknowledger = await IndexAsync(options, records);

        Assert.True(poisoned.SetEquals(acknowledger.Rejected.Keys), $"rejected {acknowledger.Rejected.Count}, poisoned {poisoned.Count}");
        Assert.All(acknowledger.Rejected.Values, r =>
        {
            Assert.EndsWith("parsing_exception", r.Code, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(r.Text));
        });
        Assert.Equal(records.Count - poisoned.Count, acknowledger.AcknowledgedCount);
        Assert.Empty(acknowledger.ReportedTwice);
        Assert.Equal(records.Count - poisoned.Count, await CountAsync(url, options.Target));
    }

    /// <summary>The record model keeps a producer's duplicate keys (docs/enrichment.md § Record model) and Elasticsearch
    /// refuses them: such a record must reach the dead-letter path with the reason, neither hold the stream nor
    /// vanish, and the rest of its batch must be indexed.</summary>
    public static async Task DuplicateFieldIsRejectedWithTheReasonAsync(Uri url, string ns)
    {
        var options = Options(url, ns);
        var records = SomeLogRecords.Many(500);
        var twice = SomeLogRecords.Record("smm-logs-raw", 5, 1_000, extra: "\"level\":\"error\"");
        records.Add(twice);

        var acknowledger = await IndexAsync(options, records);

        var rejected = Assert.Single(acknowledger.Rejected);
        Assert.Equal(twice.Origin, rejected.Key);
        Assert.EndsWith("parsing_exception", rejected.Value.Code, StringComparison.Ordinal);
        Assert.Contains("Duplicate field 'level'", rejected.Value.Text, StringComparison.Ordinal);
        Assert.Equal(500, acknowledger.AcknowledgedCount);
        Assert.Equal(500, await CountAsync(url, options.Target));
    }
}
