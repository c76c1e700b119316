using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The test server is only useful if it is as strict as Elasticsearch where the worker could go wrong.</summary>
public sealed class ElasticsearchTestServerTests
{
    private static async Task<(ElasticsearchTestServer Server, HttpClient Http)> StartAsync()
    {
        var server = await ElasticsearchTestServer.StartAsync();
        var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return (server, http);
    }

    private static StringContent NdJson(string body) => new(body, Encoding.UTF8, "application/x-ndjson");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_bulk_body_not_ending_in_a_newline_is_refused_with_400_and_nothing_is_stored()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PostAsync("/logs/_bulk", NdJson("{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("illegal_argument_exception", (await JsonAsync(response)).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(0, server.CountDocuments("logs"));
    }

    [Fact]
    public async Task A_malformed_action_line_fails_the_whole_request_before_any_item_is_applied()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PostAsync("/logs/_bulk", NdJson("{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}\n{\"indx\":{}}\n{\"a\":2}\n"));
        var broken = await http.PostAsync("/logs/_bulk", NdJson("{\"index\":{\"_id\":\"1\"}\n{\"a\":1}\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Malformed action/metadata line [3]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(0, server.CountDocuments("logs"));
    }

    [Fact]
    public async Task A_malformed_document_fails_only_its_item()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PostAsync("/logs/_bulk", NdJson("{\"index\":{\"_id\":\"1\"}}\n{\"a\":\n{\"index\":{\"_id\":\"2\"}}\n{\"a\":2}\n"));
        var items = (await JsonAsync(response)).GetProperty("items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(400, items[0].GetProperty("index").GetProperty("status").GetInt32());
        Assert.Equal("document_parsing_exception", items[0].GetProperty("index").GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(201, items[1].GetProperty("index").GetProperty("status").GetInt32());
        Assert.Equal(1, server.CountDocuments("logs"));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", "a")]
    [InlineData("{\"http\":{\"method\":\"GET\",\"status\":200,\"method\":\"POST\"}}", "method")]
    [InlineData("{\"time\":\"x\",\"log\":\"y\",\"t\\u0069me\":\"z\"}", "time")]
    [InlineData("{\"a\":[{\"b\":1,\"b\":2}]}", "b")]
    public async Task A_field_twice_in_one_object_fails_only_its_item_as_elasticsearchs_strict_parser_does(string document, string field)
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PostAsync("/logs/_bulk", NdJson($"{{\"index\":{{\"_id\":\"1\"}}}}\n{document}\n{{\"index\":{{\"_id\":\"2\"}}}}\n" +
            "{\"a\":{\"x\":1},\"b\":{\"x\":2},\"c\":[{\"x\":1},{\"x\":2}]}\n"));
        var items = (await JsonAsync(response)).GetProperty("items");
        var error = items[0].GetProperty("index").GetProperty("error");

        Assert.Equal(400, items[0].GetProperty("index").GetProperty("status").GetInt32());
        Assert.Equal("document_parsing_exception", error.GetProperty("type").GetString());
        Assert.Contains($"Duplicate field '{field}'", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("json_parse_exception", error.GetProperty("caused_by").GetProperty("type").GetString());

        // The same name in different objects, or in objects of an array, is no duplicate.
        Assert.Equal(201, items[1].GetProperty("index").GetProperty("status").GetInt32());
        Assert.Equal(1, server.CountDocuments("logs"));
    }

    [Fact]
    public async Task Create_of_an_existing_id_answers_409_version_conflict_and_keeps_the_first_document()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        await http.PostAsync("/logs/_bulk", NdJson("{\"create\":{\"_id\":\"x\"}}\n{\"v\":1}\n"));
        var response = await http.PostAsync("/logs/_bulk", NdJson("{\"create\":{\"_id\":\"x\"}}\n{\"v\":2}\n"));
        var root = await JsonAsync(response);
        var item = root.GetProperty("items")[0].GetProperty("create");

        Assert.True(root.GetProperty("errors").GetBoolean());
        Assert.Equal(409, item.GetProperty("status").GetInt32());
        Assert.Equal("version_conflict_engine_exception", item.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("{\"v\":1}", Encoding.UTF8.GetString(server.GetDocument("logs", "x")!.Value.Source));
    }

    [Fact]
    public async Task Filter_path_keeps_only_the_named_fields_and_leaves_out_what_it_empties()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;
        await http.PostAsync("/logs/_bulk", NdJson("{\"create\":{\"_id\":\"x\"}}\n{\"v\":1}\n"));
        // An existing _id (409) and a new one (201) in each request.
        static StringContent Body(string id) => NdJson($"{{\"create\":{{\"_id\":\"x\"}}}}\n{{\"v\":2}}\n{{\"create\":{{\"_id\":\"{id}\"}}}}\n{{\"v\":3}}\n");

        var outcome = await http.PostAsync("/logs/_bulk?filter_path=errors,items.*.status,items.*.error", Body("a"));
        var errorsOnly = await http.PostAsync("/logs/_bulk?filter_path=items.*.error.type", Body("b"));
        var wildcards = await http.PostAsync("/logs/_bulk?filter_path=**.stat*", Body("c"));
        var nothing = await http.PostAsync("/logs/_bulk?filter_path=no.such.field", Body("d"));

        var items = (await JsonAsync(outcome)).GetProperty("items");
        Assert.True((await JsonAsync(outcome)).GetProperty("errors").GetBoolean());
        Assert.Equal(["status", "error"], items[0].GetProperty("create").EnumerateObject().Select(p => p.Name));
        Assert.Equal("version_conflict_engine_exception", items[0].GetProperty("create").GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("{\"create\":{\"status\":201}}", items[1].GetRawText());
        // Items without an error are left out entirely: the positions are lost, which is why a client keeps status.
        Assert.Equal("{\"items\":[{\"create\":{\"error\":{\"type\":\"version_conflict_engine_exception\"}}}]}", await errorsOnly.Content.ReadAsStringAsync());
        Assert.Equal("{\"items\":[{\"create\":{\"status\":409}},{\"create\":{\"status\":201}}]}", await wildcards.Content.ReadAsStringAsync());
        Assert.Equal("{}", await nothing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Filter_path_applies_to_other_answers_but_not_to_errors()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;
        await http.PutAsync("/_ilm/policy/p", new StringContent(
            "{\"policy\":{\"_meta\":{\"v\":3},\"phases\":{\"hot\":{\"actions\":{\"rollover\":{\"max_age\":\"1d\"}}}}}}", Encoding.UTF8, "application/json"));

        var meta = await http.GetStringAsync("/_ilm/policy/p?filter_path=*.policy._meta");
        var missing = await http.GetAsync("/_ilm/policy/nope?filter_path=*.policy._meta");

        Assert.Equal("{\"p\":{\"policy\":{\"_meta\":{\"v\":3}}}}", meta);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("resource_not_found_exception", (await JsonAsync(missing)).GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("/logs/_bulk?refesh=true", "contains unrecognized parameter: [refesh]")]
    [InlineData("/logs/_bulk?filter_path=-items.*._shards", "exclusive filter_path")]
    public async Task Unknown_bulk_parameters_and_unsupported_filters_are_refused_with_400_before_anything_is_stored(string url, string reason)
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PostAsync(url, NdJson("{\"create\":{\"_id\":\"x\"}}\n{\"v\":1}\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await JsonAsync(response)).GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.CountDocuments("logs"));
    }

    [Fact]
    public async Task Data_streams_accept_only_create_and_require_a_timestamp()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;
        (await http.PutAsync("/_index_template/ds", new StringContent("{\"index_patterns\":[\"ds-*\"],\"data_stream\":{}}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var response = await http.PostAsync("/ds-a/_bulk", NdJson(
            "{\"index\":{\"_id\":\"1\"}}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\"}\n" +
            "{\"create\":{\"_id\":\"2\"}}\n{\"message\":\"no timestamp\"}\n" +
            "{\"create\":{\"_id\":\"3\"}}\n{\"@timestamp\":\"2026-01-01T00:00:00Z\"}\n"));
        var items = (await JsonAsync(response)).GetProperty("items");

        Assert.Equal(400, items[0].GetProperty("index").GetProperty("status").GetInt32());
        Assert.Equal(400, items[1].GetProperty("create").GetProperty("status").GetInt32());
        Assert.Contains("[@timestamp] is missing", items[1].GetProperty("create").GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(201, items[2].GetProperty("create").GetProperty("status").GetInt32());
        Assert.Equal(["ds-a"], server.DataStreamNames());
    }

    [Theory]
    [InlineData("{\"policy\":{\"phases\":{\"hot\":{\"actions\":{\"rollover\":{\"max_age\":\"1d\"}}}},\"colour\":\"red\"}}", "unknown field [colour]")]
    [InlineData("{\"policy\":{\"phases\":{\"lukewarm\":{\"actions\":{}}}}}", "does not support phase [lukewarm]")]
    [InlineData("{\"policy\":{\"phases\":{\"hot\":{\"actions\":{\"rollover\":{\"max_age\":\"1d\",\"max_colour\":1}}}}}}", "unknown field [max_colour]")]
    [InlineData("{\"policy\":{\"phases\":{\"hot\":{\"actions\":{\"delete\":{}}}}}}", "invalid action [delete] defined in phase [hot]")]
    [InlineData("{\"policy\":{\"phases\":{\"delete\":{\"min_age\":\"30 days\",\"actions\":{\"delete\":{}}}}}}", "as a time value")]
    [InlineData("{\"policy\":{\"phases\":{\"hot\":{\"actions\":{\"rollover\":{\"min_docs\":1}}}}}}", "At least one max_* rollover condition")]
    [InlineData("{\"polcy\":{}}", "unknown field [polcy]")]
    public async Task An_ilm_policy_with_unknown_or_invalid_fields_is_refused_with_400(string body, string reason)
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PutAsync("/_ilm/policy/p", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(server.IlmPolicy("p"));
    }

    [Fact]
    public async Task An_index_template_naming_a_missing_component_template_is_refused()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var response = await http.PutAsync("/_index_template/t", new StringContent("{\"index_patterns\":[\"x-*\"],\"composed_of\":[\"nope\"]}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_index_template_exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mappings_with_an_unknown_type_or_a_dangling_alias_are_refused()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;

        var badType = await http.PutAsync("/_component_template/c", new StringContent("{\"template\":{\"mappings\":{\"properties\":{\"a\":{\"type\":\"strng\"}}}}}", Encoding.UTF8, "application/json"));
        var dangling = await http.PutAsync("/_component_template/c", new StringContent("{\"template\":{\"mappings\":{\"properties\":{\"trace\":{\"properties\":{\"id\":{\"type\":\"alias\",\"path\":\"trace_id\"}}}}}}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, dangling.StatusCode);
        Assert.Contains("mapper_parsing_exception", await dangling.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_bodies_are_inflated_and_responses_carry_the_product_header_and_the_requested_content_type()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync("{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}\n"u8.ToArray());
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        content.Headers.ContentEncoding.Add("gzip");
        var bulk = await http.PostAsync("/logs/_bulk", content);
        using var compatible = new HttpRequestMessage(HttpMethod.Get, "/");
        compatible.Headers.Accept.ParseAdd("application/vnd.elasticsearch+json;compatible-with=9");
        var root = await http.SendAsync(compatible);

        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal(1, server.CountDocuments("logs"));
        Assert.Equal("Elasticsearch", bulk.Headers.GetValues("X-Elastic-Product").Single());
        Assert.Equal("application/json", bulk.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/vnd.elasticsearch+json", root.Content.Headers.ContentType!.MediaType);
        Assert.Contains(root.Content.Headers.ContentType.Parameters, p => p.Name == "compatible-with" && p.Value == "9");
    }

    [Fact]
    public async Task Injected_item_rejections_follow_the_seed_so_runs_repeat()
    {
        var counts = new List<long>();
        for (var run = 0; run < 2; run++)
        {
            var (server, http) = await StartAsync();
            await using var _ = server;
            server.Faults.Seed = 3;
            server.Faults.ItemRejectionRate = 0.5;
            var body = new StringBuilder();
            for (var i = 0; i < 200; i++)
            {
                body.Append("{\"index\":{\"_id\":\"").Append(i).Append("\"}}\n{\"a\":1}\n");
            }

            await http.PostAsync("/logs/_bulk", NdJson(body.ToString()));
            counts.Add(server.InjectedItemRejections);
        }

        Assert.Equal(counts[0], counts[1]);
        Assert.InRange(counts[0], 60, 140);
    }

    [Fact]
    public async Task Count_and_cluster_health_answer_like_elasticsearch()
    {
        var (server, http) = await StartAsync();
        await using var _ = server;
        await http.PostAsync("/logs-a/_bulk", NdJson("{\"index\":{}}\n{\"a\":1}\n{\"index\":{}}\n{\"a\":2}\n"));

        var count = await JsonAsync(await http.GetAsync("/logs-*/_count"));
        var health = await JsonAsync(await http.GetAsync("/_cluster/health"));
        var missing = await http.GetAsync("/nothing/_count");

        Assert.Equal(2, count.GetProperty("count").GetInt64());
        Assert.Equal("green", health.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
