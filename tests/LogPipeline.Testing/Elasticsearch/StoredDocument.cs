namespace LogPipeline.Testing.Elasticsearch;

/// <summary>A document held by the test server. A value held inside the index's dictionary node, not an object of
/// its own: benchmarks keep millions, and every object this process keeps alive is copied by its collections
/// while the worker waits for the server.</summary>
internal readonly record struct StoredDocument(byte[] Source, long Version, long SeqNo);
