namespace LogPipeline.Elasticsearch;

/// <summary>How records are laid out in Elasticsearch.</summary>
internal enum ElasticsearchIndexMode
{
    /// <summary>Data stream <c>smm-logs-&lt;namespace&gt;</c> (default). Writes use op <c>create</c>.</summary>
    DataStream,

    /// <summary>Classic indices <c>smm-logs-&lt;namespace&gt;-000001</c>, … behind the write alias
    /// <c>smm-logs-&lt;namespace&gt;</c>, rolled over by ILM; for clusters that cannot use data streams.</summary>
    RolloverAlias,
}
