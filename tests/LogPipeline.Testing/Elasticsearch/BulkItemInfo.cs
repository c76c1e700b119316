namespace LogPipeline.Testing.Elasticsearch;

/// <summary>What a fault predicate sees of one bulk item: the concrete index, the <c>_id</c> and the source.</summary>
internal readonly record struct BulkItemInfo(string Index, string Id, ReadOnlyMemory<byte> Source)
{
    /// <summary>The source as text (for simple predicates like <c>Contains("\"poison\"")</c>).</summary>
    public string SourceText => System.Text.Encoding.UTF8.GetString(Source.Span);
}
