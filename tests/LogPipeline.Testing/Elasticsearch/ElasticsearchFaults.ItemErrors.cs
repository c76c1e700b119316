namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Per-item errors of any status and type, chosen per document.</summary>
internal sealed partial class ElasticsearchFaults
{
    /// <summary>Documents for which this returns an error get that per-item status, <c>error.type</c> and
    /// <c>error.reason</c> (not stored); null stores the document as usual.</summary>
    public Func<BulkItemInfo, (int Status, string Type, string Reason)?>? ItemErrorFor { get; set; }
}
