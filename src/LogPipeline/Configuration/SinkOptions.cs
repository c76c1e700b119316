using LogPipeline.FileSink;

namespace LogPipeline.Configuration;

/// <summary>Where the worker writes processed records (configuration section <c>Sink</c>).</summary>
internal sealed class SinkOptions
{
    public const string SectionName = "Sink";

    /// <summary>Sink types accepted by <see cref="Type"/>.</summary>
    public static class Types
    {
        public const string Elasticsearch = "elasticsearch";
        public const string File = "file";
    }

    /// <summary><c>elasticsearch</c> (default): bulk-index into the cluster of section <c>Elasticsearch</c>;
    /// <c>file</c>: write Elasticsearch <c>_bulk</c> NDJSON files (section <c>Sink:File</c>).</summary>
    public string Type { get; set; } = Types.Elasticsearch;

    /// <summary>Settings of the file sink, used when <see cref="Type"/> is <c>file</c>.</summary>
    public FileSinkOptions File { get; set; } = new();
}
