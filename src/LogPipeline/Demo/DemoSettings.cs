namespace LogPipeline.Demo;

/// <summary>What the <c>demo</c> command was asked to do.</summary>
internal sealed record DemoSettings(
    int Count,
    int Partitions,
    double PoisonRate,
    int Seed,
    string Topic,
    string? EsUrl,
    string? GeoIpDatabase,
    string OutputDirectory);
