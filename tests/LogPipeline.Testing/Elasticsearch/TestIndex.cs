using System.Text.Json.Nodes;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>An index of the test server: its documents by <c>_id</c>, and what it was created with.</summary>
internal sealed class TestIndex
{
    private long _seqNo = -1;

    public TestIndex(string name, string? dataStream, JsonObject? settings, int capacity = 0)
    {
        Name = name;
        DataStream = dataStream;
        Settings = settings ?? new JsonObject();
        Documents = new DocumentTable(capacity);
    }

    public string Name { get; }

    public string Uuid { get; } = Guid.NewGuid().ToString("N")[..22];

    /// <summary>The data stream this is a backing index of, or null.</summary>
    public string? DataStream { get; }

    public JsonObject Settings { get; }

    public DocumentTable Documents { get; }

    internal long NextSeqNo() => Interlocked.Increment(ref _seqNo);
}
