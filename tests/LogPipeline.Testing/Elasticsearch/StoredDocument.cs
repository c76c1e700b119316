namespace LogPipeline.Testing.Elasticsearch;

/// <summary>A document held by the test server.</summary>
public sealed record StoredDocument(byte[] Source, long Version, long SeqNo);
