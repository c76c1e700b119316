using LogPipeline.Elasticsearch;
using LogPipeline.Tests.Deployment;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class BulkErrorRulesTests
{
    [Theory]
    [InlineData(409, "version_conflict_engine_exception", "[x]: version conflict, document already exists", true, "duplicate", "Acknowledge")]
    [InlineData(409, "version_conflict_engine_exception", "[x]: version conflict, current version [2] is different", false, "version_conflict", "Hold")]
    [InlineData(429, "es_rejected_execution_exception", "rejected execution of coordinating operation", true, "overloaded", "Retry")]
    [InlineData(503, "unavailable_shards_exception", "primary shard is not active", true, "unavailable", "Retry")]
    [InlineData(403, "security_exception", "action [indices:data/write/bulk[s]] is unauthorized for API key id [k]", true, "authorization", "Hold")]
    [InlineData(403, "cluster_block_exception", "index [smm-logs] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark]", true, "cluster_block", "Hold")]
    [InlineData(404, "index_not_found_exception", "no such index [smm-logs-default]", true, "missing_target", "Hold")]
    [InlineData(400, "illegal_argument_exception", "no write index is defined for alias [smm-logs-default]", false, "missing_target", "Hold")]
    [InlineData(400, "illegal_argument_exception", "Cannot write to a field alias [service.name].", true, "document", "Reject")]
    [InlineData(400, "document_parsing_exception", "[1:2] failed to parse field [latency_ms] of type [long]", true, "document", "Reject")]
    [InlineData(400, "strict_dynamic_mapping_exception", "mapping set to strict", true, "document", "Reject")]
    [InlineData(500, "illegal_state_exception", "something new", true, "unknown", "Hold")]
    [InlineData(400, null, null, true, "unknown", "Hold")]
    [InlineData(403, null, null, true, "authorization", "Hold")]
    public void An_item_error_is_classified_by_what_it_says_about_the_document(int status, string? type, string? reason, bool create, string expectedClass, string expected)
    {
        var rule = BulkErrorRules.ForItem(status, type, reason, create);

        Assert.Equal((expectedClass, expected), (rule.Class, rule.Action.ToString()));
    }

    [Theory]
    [InlineData(413, null, null, "too_large", "Reject")]
    [InlineData(400, "x_content_parse_exception", "[1:1] Unexpected character", "document", "Reject")]
    [InlineData(400, "unparsable_response", "<html>400 Bad Request</html>", "request_refused", "Hold")]
    [InlineData(400, "media_type_header_exception", "Invalid media-type value on headers [Content-Type, Accept]", "configuration", "Hold")]
    [InlineData(400, "illegal_argument_exception", "request [/smm-logs/_bulk] contains unrecognized parameter: [filter_path]", "request_refused", "Hold")]
    [InlineData(401, "security_exception", "unable to authenticate with provided credentials", "authorization", "Hold")]
    [InlineData(503, "unavailable_shards_exception", "", "unavailable", "Retry")]
    [InlineData(200, "invalid_response", "the bulk response has 0 items for 5 documents", "unknown", "Hold")]
    public void A_whole_request_failure_is_split_only_when_it_is_about_a_document(int status, string? type, string? reason, string expectedClass, string expected)
    {
        var rule = BulkErrorRules.ForRequest(status, type, reason);

        Assert.Equal((expectedClass, expected), (rule.Class, rule.Action.ToString()));
    }

    [Fact]
    public void Every_row_of_the_decision_table_is_in_the_documentation()
    {
        var docs = RepositoryFiles.Read("docs", "elasticsearch.md");

        foreach (var rule in BulkErrorRules.Items.Concat(BulkErrorRules.Requests).Append(BulkErrorRules.Unknown))
        {
            Assert.Contains($"`{rule.Class}`", docs);
            if (rule.Type is not null)
            {
                Assert.Contains($"`{rule.Type}`", docs);
            }

            if (rule.ReasonContains is not null)
            {
                Assert.Contains(rule.ReasonContains, docs, StringComparison.Ordinal);
            }
        }
    }
}
