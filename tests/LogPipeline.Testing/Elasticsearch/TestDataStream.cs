namespace LogPipeline.Testing.Elasticsearch;

/// <summary>A data stream of the test server: its backing indices, the last one being the write index.</summary>
internal sealed class TestDataStream
{
    public TestDataStream(string name, string template) => (Name, Template) = (name, template);

    public string Name { get; }

    public string Template { get; }

    public List<TestIndex> BackingIndices { get; } = [];

    public TestIndex WriteIndex => BackingIndices[^1];
}
