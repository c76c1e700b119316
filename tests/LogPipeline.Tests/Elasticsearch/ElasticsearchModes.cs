using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The Elasticsearch majors the test server speaks, as xunit member data: every version-dependent test
/// runs once against an 8.x server and once against a 9.x one.</summary>
public static class ElasticsearchModes
{
    public static TheoryData<string> Majors => ["8", "9"];

    internal static Task<ElasticsearchTestServer> StartAsync(string mode) =>
        ElasticsearchTestServer.StartAsync(ElasticsearchTestServerVersion.Parse(mode));

    /// <summary>Every request spoke the server's own major (or plain JSON) and none was refused for it.</summary>
    internal static void AssertSpokeItsMajor(ElasticsearchTestServer server)
    {
        Assert.Equal(0, server.RefusedMediaTypes);
        Assert.All(server.CompatibleWithSeen.Keys, v => Assert.Contains(v, new[] { 0, server.Version.Major }));
        Assert.Contains(server.Version.Major, server.CompatibleWithSeen.Keys);
    }
}
