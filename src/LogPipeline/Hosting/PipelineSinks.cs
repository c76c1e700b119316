using LogPipeline.Configuration;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.FileSink;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipeline.Hosting;

/// <summary>Creates the sink chosen by <c>Sink:Type</c>.</summary>
internal static class PipelineSinks
{
    public static IRecordSink Create(IServiceProvider services, IConfiguration configuration, SinkOptions sink)
    {
        var metrics = services.GetRequiredService<PipelineMetrics>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var elasticsearch = services.GetRequiredService<IOptions<ElasticsearchSinkOptions>>().Value;
        if (sink.Type == SinkOptions.Types.File)
        {
            // Same target name as the Elasticsearch sink, so a replay lands where the worker would have written.
            var index = sink.File.Index.Replace("{namespace}", elasticsearch.Namespace, StringComparison.Ordinal);
            var routed = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            return new FileRecordSink(sink.File, record => record.Namespace is { } ns
                ? routed.GetOrAdd(ns, n => sink.File.Index.Replace("{namespace}", n, StringComparison.Ordinal))
                : index, metrics, loggers.CreateLogger<FileRecordSink>());
        }

        try
        {
            var client = ElasticsearchClientFactory.Create(elasticsearch);
            return new ElasticsearchSink(client, elasticsearch, metrics, loggers.CreateLogger<ElasticsearchSink>(),
                services.GetRequiredService<TimeProvider>());
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException
                                      or System.Security.Cryptography.CryptographicException)
        {
            // Unreadable or empty secret files, a client certificate or key that does not load, incomplete Cloud ID
            // credentials.
            throw new ConfigurationException(e.Message);
        }
    }
}
