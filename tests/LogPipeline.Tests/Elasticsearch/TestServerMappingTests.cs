using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The test server refuses documents against the index's mappings as Elasticsearch does, so that a passing
/// test means a cluster would take the documents too.</summary>
public sealed class TestServerMappingTests
{
    private const string Mappings =
        "{\"template\":{\"mappings\":{\"date_detection\":false,\"properties\":{\"@timestamp\":{\"type\":\"date\"},\"level\":{\"type\":\"keyword\"}," +
        "\"latency_ms\":{\"type\":\"long\"},\"client\":{\"properties\":{\"ip\":{\"type\":\"ip\"}}}," +
        "\"log\":{\"properties\":{\"level\":{\"type\":\"alias\",\"path\":\"level\"}}}}}}}";

    private static async Task<(ElasticsearchTestServer Server, HttpClient Http)> StartAsync()
    {
        var server = await ElasticsearchTestServer.StartAsync();
        var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        (await http.PutAsync("/_component_template/m", Json(Mappings))).EnsureSuccessStatusCode();
        (await http.PutAsync("/_index_template/t", Json("{\"index_patterns\":[\"logs-*\"],\"data_stream\":{},\"composed_of\":[\"m\"],\"priority\":10}")))
            .EnsureSuccessStatusCode();
        return (server, http);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Indexes each document on its own line of one bulk request; returns each item's error reason or null.</summary>
    private static async Task<string?[]> BulkAsync(HttpClient http, params string[] documents)
    {
        var body = new StringBuilder();
        foreach (var document in documents)
        {
            body.Append("{\"create\":{}}\n").Append(document).Append('\n');
        }

        var response = await http.PostAsync("/logs-a/_bulk", new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("create").TryGetProperty("error", out var e) ? e.GetProperty("reason").GetString() : null)
            .ToArray();
    }

    [Theory]
    [InlineData("{\"log.level\":\"info\"}", "Cannot write to a field alias [log.level].")]
    [InlineData("{\"log\":{\"level\":\"info\"}}", "Cannot write to a field alias [log.level].")]
    [InlineData("{\"log\":\"text\"}", "object mapping for [log] tried to parse field [log] as object, but found a concrete value")]
    [InlineData("{\"client\":[\"a\"]}", "object mapping for [client] tried to parse field [client] as object")]
    [InlineData("{\"level\":{\"a\":1}}", "failed to parse field [level] of type [keyword]")]
    [InlineData("{\"latency_ms\":\"slow\"}", "failed to parse field [latency_ms] of type [long]")]
    [InlineData("{\"client\":{\"ip\":\"not-an-ip\"}}", "failed to parse field [client.ip] of type [ip]")]
    [InlineData("{\"level.x\":\"a\"}", "failed to parse field [level] of type [keyword]")]
    public async Task A_document_the_mappings_refuse_is_refused_with_elasticsearchs_reason(string fields, string reason)
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var errors = await BulkAsync(http, "{\"@timestamp\":\"2026-11-26T12:00:00Z\"," + fields[1..]);

        Assert.Contains(reason, errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dynamic_fields_are_mapped_by_the_first_document_and_later_documents_checked_against_them()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var first = await BulkAsync(http, "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"error\":\"boom\",\"n\":1,\"x\":{\"y\":1}}");
        var later = await BulkAsync(http,
            "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"error\":{\"type\":\"E\"}}",
            "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"n\":\"many\"}",
            "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"x\":3}",
            "{\"@timestamp\":\"2026-11-26T12:00:00.123456789Z\",\"n\":\"2\",\"error\":\"ok\",\"x.z\":\"ok\",\"client\":{\"ip\":\"2001:db8::1\"},\"latency_ms\":\"12\"}");

        Assert.Null(first[0]);
        Assert.Contains("failed to parse field [error] of type [keyword]", later[0], StringComparison.Ordinal);
        Assert.Contains("failed to parse field [n] of type [long]", later[1], StringComparison.Ordinal);
        Assert.Contains("object mapping for [x]", later[2], StringComparison.Ordinal);
        Assert.Null(later[3]);
        Assert.Equal(2, server.CountDocuments("logs-a"));
    }

    [Fact]
    public async Task Mapping_checks_can_be_turned_off_for_throughput_benchmarks()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;
        server.ValidatesMappings = false;

        var errors = await BulkAsync(http, "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"log.level\":\"info\"}");

        Assert.Null(errors[0]);
    }
}
