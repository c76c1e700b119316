namespace LogPipeline.Elasticsearch;

/// <summary>The Elasticsearch sink's decision table: for each error Elasticsearch answers, whether the records are
/// acknowledged, retried, held or dead-lettered (docs/elasticsearch.md shows the same table). The rule is what the error
/// says about the <em>document</em>: only an error that no retry of the same document can fix sends it to the
/// dead-letter topic. Errors about the cluster, the worker's rights or the request, and errors nobody classified, hold
/// the records and retry them, so a revoked privilege or a misbehaving proxy can never dead-letter (and commit) the
/// whole stream. Rows are tried in order; the first that matches decides.</summary>
internal static class BulkErrorRules
{
    /// <summary>What no row matches: held, so a new kind of error stops the stream visibly instead of emptying it.</summary>
    public static readonly BulkErrorRule Unknown = new("unknown", BulkErrorAction.Hold);

    /// <summary>No answer at all (connection refused or reset, timeout).</summary>
    public static readonly BulkErrorRule ConnectionFailed = new("unavailable", BulkErrorAction.Retry);

    /// <summary>Per-item errors of a <c>_bulk</c> answer (the request itself succeeded).</summary>
    public static readonly IReadOnlyList<BulkErrorRule> Items =
    [
        // The same _id is already indexed (an earlier attempt or a redelivery): success. With op index (rollover
        // aliases) a second copy overwrites instead, so a conflict there is not that.
        new("duplicate", BulkErrorAction.Acknowledge, "version_conflict_engine_exception", 409, CreateOnly: true),
        new("version_conflict", BulkErrorAction.Hold, "version_conflict_engine_exception"),

        // Load shedding and brief unavailability: the cluster recovers by itself.
        new("overloaded", BulkErrorAction.Retry, "es_rejected_execution_exception"),
        new("overloaded", BulkErrorAction.Retry, "circuit_breaking_exception"),
        new("unavailable", BulkErrorAction.Retry, "unavailable_shards_exception"),
        new("unavailable", BulkErrorAction.Retry, "no_shard_available_action_exception"),
        new("unavailable", BulkErrorAction.Retry, "node_not_connected_exception"),
        new("unavailable", BulkErrorAction.Retry, "node_closed_exception"),
        new("unavailable", BulkErrorAction.Retry, "process_cluster_event_timeout_exception"),

        // The cluster refuses every document alike until an operator acts.
        new("authorization", BulkErrorAction.Hold, "security_exception"),
        new("cluster_block", BulkErrorAction.Hold, "cluster_block_exception"),
        new("missing_target", BulkErrorAction.Hold, "index_not_found_exception"),
        new("missing_target", BulkErrorAction.Hold, "illegal_argument_exception", ReasonContains: "no write index is defined"),
        new("configuration", BulkErrorAction.Hold, "illegal_argument_exception", ReasonContains: "only write ops with an op_type of create"),
        new("configuration", BulkErrorAction.Hold, "illegal_argument_exception", ReasonContains: "pipeline with id"),

        // The document: its fields do not fit the mapping, or it cannot be parsed. Only these are dead-lettered.
        new("document", BulkErrorAction.Reject, "mapper_parsing_exception"),
        new("document", BulkErrorAction.Reject, "document_parsing_exception"),
        new("document", BulkErrorAction.Reject, "strict_dynamic_mapping_exception"),
        new("document", BulkErrorAction.Reject, "mapper_exception"),
        new("document", BulkErrorAction.Reject, "illegal_argument_exception"),
        new("document", BulkErrorAction.Reject, "x_content_parse_exception"),
        new("document", BulkErrorAction.Reject, "json_parse_exception"),
        new("document", BulkErrorAction.Reject, "parse_exception"),

        // An item without a known type: by its status.
        new("overloaded", BulkErrorAction.Retry, Status: 429),
        new("unavailable", BulkErrorAction.Retry, Status: 502),
        new("unavailable", BulkErrorAction.Retry, Status: 503),
        new("unavailable", BulkErrorAction.Retry, Status: 504),
        new("authorization", BulkErrorAction.Hold, Status: 401),
        new("authorization", BulkErrorAction.Hold, Status: 403),
        new("missing_target", BulkErrorAction.Hold, Status: 404),
    ];

    /// <summary>Answers to the whole <c>_bulk</c> request (no items). <see cref="BulkErrorAction.Reject"/> here splits the
    /// batch until the document the answer is about is alone, then rejects that one.</summary>
    public static readonly IReadOnlyList<BulkErrorRule> Requests =
    [
        // The body is too large (http.max_content_length): halves fit; a single document that does not is rejected.
        new("too_large", BulkErrorAction.Reject, Status: 413),

        // Elasticsearch could not parse the body: one document breaks it.
        new("document", BulkErrorAction.Reject, "x_content_parse_exception", 400),
        new("document", BulkErrorAction.Reject, "json_parse_exception", 400),
        new("document", BulkErrorAction.Reject, "parse_exception", 400),
        new("document", BulkErrorAction.Reject, "mapper_parsing_exception", 400),
        new("document", BulkErrorAction.Reject, "document_parsing_exception", 400),

        // Any other 400 is about the request, not a document (a proxy's own answer, a header the cluster refuses, a
        // parameter it does not know): splitting would only get every document refused alone.
        new("configuration", BulkErrorAction.Hold, "media_type_header_exception"),
        new("request_refused", BulkErrorAction.Hold, Status: 400),

        new("overloaded", BulkErrorAction.Retry, Status: 429),
        new("authorization", BulkErrorAction.Hold, Status: 401),
        new("authorization", BulkErrorAction.Hold, Status: 403),
        new("missing_target", BulkErrorAction.Hold, Status: 404),
        new("unavailable", BulkErrorAction.Retry, Status: 500),
        new("unavailable", BulkErrorAction.Retry, Status: 502),
        new("unavailable", BulkErrorAction.Retry, Status: 503),
        new("unavailable", BulkErrorAction.Retry, Status: 504),
    ];

    /// <summary>The rule for one failed item; <paramref name="create"/> when the op is <c>create</c>.</summary>
    public static BulkErrorRule ForItem(int status, string? type, string? reason, bool create) => Find(Items, status, type, reason, create);

    /// <summary>The rule for a request answered with <paramref name="status"/> as a whole.</summary>
    public static BulkErrorRule ForRequest(int status, string? type, string? reason) => Find(Requests, status, type, reason, create: false);

    private static BulkErrorRule Find(IReadOnlyList<BulkErrorRule> rules, int status, string? type, string? reason, bool create)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Matches(status, type, reason, create))
            {
                return rules[i];
            }
        }

        return Unknown;
    }
}
