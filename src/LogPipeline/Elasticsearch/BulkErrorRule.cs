namespace LogPipeline.Elasticsearch;

/// <summary>One row of <see cref="BulkErrorRules"/>: an error matches when every condition given matches (the error
/// type exactly, the HTTP status, a phrase of the reason ignoring case).</summary>
/// <param name="Class">Low-cardinality name of the error class: the <c>reason</c> label of
/// <c>logpipeline_bulk_held_records</c> and the word in log lines.</param>
/// <param name="Action">What the sink does with the records.</param>
/// <param name="Type">Elasticsearch's <c>error.type</c>, or null for any.</param>
/// <param name="Status">HTTP status (of the item or of the request), or null for any.</param>
/// <param name="ReasonContains">A phrase of <c>error.reason</c>, or null for any.</param>
/// <param name="CreateOnly">The row applies only to op <c>create</c> (data streams).</param>
internal sealed record BulkErrorRule(
    string Class,
    BulkErrorAction Action,
    string? Type = null,
    int? Status = null,
    string? ReasonContains = null,
    bool CreateOnly = false)
{
    public bool Matches(int status, string? type, string? reason, bool create) =>
        (Type is null || string.Equals(Type, type, StringComparison.Ordinal))
        && (Status is null || Status == status)
        && (ReasonContains is null || (reason?.Contains(ReasonContains, StringComparison.OrdinalIgnoreCase) ?? false))
        && (!CreateOnly || create);
}
