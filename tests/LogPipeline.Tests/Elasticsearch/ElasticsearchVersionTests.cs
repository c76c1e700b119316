using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The sink's scenarios against the test server as Elasticsearch 8.x and as 9.x: the worker speaks each
/// cluster's own REST API on every request, so nothing is refused for its media type and nothing is lost.</summary>
public sealed class ElasticsearchVersionTests
{
    private const string Target = "smm-logs-default";

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Records_with_item_429s_are_all_indexed_exactly_once_speaking_the_clusters_major(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        server.Faults.Seed = 11;
        server.Faults.ItemRejectionRate = 0.2;

        await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 20_000, o => o.Bulk.MaxDocuments = 2000);

        Assert.True(server.InjectedItemRejections > 2000);
        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
        ElasticsearchModes.AssertSpokeItsMajor(server);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task With_bootstrap_off_the_sink_still_negotiates_and_indexes_instead_of_dead_lettering(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        var setup = SinkScenarios.Options(server.Url);
        await new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(setup), setup).RunAsync(SinkScenarios.Timeout());

        var acknowledger = await SinkScenarios.AllIndexedExactlyOnceAsync(server.Url, "default", 5000, o => o.Bootstrap = false);

        Assert.Empty(acknowledger.Rejected);
        ElasticsearchModes.AssertSpokeItsMajor(server);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Mapping_errors_are_dead_lettered_with_the_reason_and_nothing_else_is(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        server.Faults.MappingErrorFor = item => item.SourceText.Contains(SomeLogRecords.PoisonMarker, StringComparison.Ordinal);

        await SinkScenarios.MappingErrorsAreRejectedWithTheReasonAsync(server.Url, "default");

        ElasticsearchModes.AssertSpokeItsMajor(server);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task A_record_delivered_twice_becomes_one_document(string mode)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);

        await SinkScenarios.RedeliveryLeavesOneDocumentAsync(server.Url, "default");

        Assert.All(server.DocumentIds(Target).Values, n => Assert.Equal(1, n));
        ElasticsearchModes.AssertSpokeItsMajor(server);
    }

    [Fact]
    public async Task The_8_x_server_refuses_what_a_9_x_only_client_sends_with_elasticsearchs_reason()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(ElasticsearchTestServerVersion.V8);
        using var http = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_data_stream/smm-logs-default");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.elasticsearch+json;compatible-with=9");

        var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("media_type_header_exception", body, StringComparison.Ordinal);
        Assert.Contains("Accept version must be either version 8 or 7, but found 9", body, StringComparison.Ordinal);
        Assert.Equal(1, server.RefusedMediaTypes);
    }

    [Theory]
    [InlineData("8", "\"number\":\"8.15.3\"", "\"lucene_version\":\"9.11.1\"")]
    [InlineData("9", "\"number\":\"9.1.0\"", "\"lucene_version\":\"10.2.2\"")]
    public async Task Each_mode_answers_its_releases_banner_with_the_product_header(string mode, string number, string lucene)
    {
        await using var server = await ElasticsearchModes.StartAsync(mode);
        using var http = new HttpClient { BaseAddress = server.Url };

        var response = await http.GetAsync("/");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains(number, body, StringComparison.Ordinal);
        Assert.Contains(lucene, body, StringComparison.Ordinal);
        Assert.Contains("\"tagline\":\"You Know, for Search\"", body, StringComparison.Ordinal);
        Assert.Equal("Elasticsearch", response.Headers.GetValues("X-Elastic-Product").Single());
    }

    [Fact]
    public async Task A_sink_pointed_at_an_unsupported_release_fails_its_start_at_once_instead_of_retrying()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerVersion("7.17.25"));
        var options = SinkScenarios.Options(server.Url);
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => sink.StartAsync(new RecordingAcknowledger(), SinkScenarios.Timeout(30)));

        Assert.False(e.IsTransient);
        Assert.StartsWith("Elasticsearch 7.17.25 at ", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
    }
}
