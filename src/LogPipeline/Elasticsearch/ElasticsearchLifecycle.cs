namespace LogPipeline.Elasticsearch;

/// <summary>What deletes old data (<c>Elasticsearch:Lifecycle</c>).</summary>
internal enum ElasticsearchLifecycle
{
    /// <summary>ILM where the cluster has it, the data stream lifecycle where it does not (Elastic Cloud
    /// Serverless). Default.</summary>
    Auto,

    /// <summary>The ILM policy <c>smm-logs-&lt;namespace&gt;</c>: rollover daily or at 50 GB per primary shard,
    /// delete after the retention.</summary>
    Ilm,

    /// <summary>The data stream lifecycle (<c>lifecycle.data_retention</c> = the retention) set in the index
    /// template <c>smm-logs-&lt;namespace&gt;</c>; Elasticsearch rolls over by itself. Data streams only.</summary>
    DataStreamLifecycle,
}
