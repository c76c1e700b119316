namespace LogPipeline.Elasticsearch;

/// <summary>What the Elasticsearch sink does with records Elasticsearch did not store (see <see cref="BulkErrorRules"/>).</summary>
internal enum BulkErrorAction
{
    /// <summary>Already stored (a <c>create</c> answered 409 "document already exists"): acknowledged.</summary>
    Acknowledge,

    /// <summary>The cluster sheds load or is briefly unavailable and recovers by itself: retried with backoff.</summary>
    Retry,

    /// <summary>The cluster refuses the write for a reason that is not the document's (authorization, a block, a
    /// missing target, a refused request, an error nobody classified): held and retried with backoff, the worker
    /// unready and <c>logpipeline_bulk_held_records</c> set until an operator acts. Never dead-lettered: a retry of the
    /// same document succeeds once the cause is gone.</summary>
    Hold,

    /// <summary>The document itself is refused and no retry can change that (mapping, parsing, too large alone):
    /// dead-lettered. For a whole request, the batch is split until the document is alone.</summary>
    Reject,
}
