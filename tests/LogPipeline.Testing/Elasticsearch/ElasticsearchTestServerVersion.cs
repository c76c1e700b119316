namespace LogPipeline.Testing.Elasticsearch;

/// <summary>The Elasticsearch release the test server answers as. It decides the <c>GET /</c> banner, which
/// <c>compatible-with=N</c> media types are accepted (the major and the one before, as Elasticsearch does), which
/// index settings are known, and whether ILM exists (not on Serverless).</summary>
internal sealed record ElasticsearchTestServerVersion(string Number, string BuildFlavor = "default")
{
    /// <summary>An 8.x release as most clusters Kibana users query today run.</summary>
    public static readonly ElasticsearchTestServerVersion V8 = new("8.15.3");

    /// <summary>The oldest release LogPipeline supports; it has no <c>ignore_dynamic_beyond_limit</c> yet.</summary>
    public static readonly ElasticsearchTestServerVersion V8Oldest = new("8.11.4");

    public static readonly ElasticsearchTestServerVersion V9 = new("9.1.0");

    /// <summary>Elastic Cloud Serverless: API level 8.11.0, no ILM.</summary>
    public static readonly ElasticsearchTestServerVersion Serverless = new("8.11.0", "serverless");

    public Version Version { get; } = Version.Parse(Number);

    public int Major => Version.Major;

    public bool IsServerless => BuildFlavor == "serverless";

    /// <summary>The release for a major given on a command line (<c>--es-major 8</c>).</summary>
    public static ElasticsearchTestServerVersion ForMajor(int major) => major switch
    {
        8 => V8,
        9 => V9,
        _ => throw new ArgumentOutOfRangeException(nameof(major), major, "the test server speaks Elasticsearch 8 and 9"),
    };

    /// <summary>The release for a theory's mode name (<c>"8"</c>, <c>"9"</c>, <c>"8.11.4"</c>, <c>"serverless"</c>).</summary>
    public static ElasticsearchTestServerVersion Parse(string mode) => mode switch
    {
        "8" => V8,
        "9" => V9,
        "serverless" => Serverless,
        _ => new ElasticsearchTestServerVersion(mode),
    };

    /// <summary>Lucene version of the banner (as the release ships it).</summary>
    internal string LuceneVersion => Major >= 9 ? "10.2.2" : "9.11.1";

    internal string MinimumWireCompatibilityVersion => Major >= 9 ? "8.19.0" : "7.17.0";

    internal string MinimumIndexCompatibilityVersion => Major >= 9 ? "8.0.0" : "7.0.0";

    public override string ToString() => IsServerless ? $"{Number} (serverless)" : Number;
}
