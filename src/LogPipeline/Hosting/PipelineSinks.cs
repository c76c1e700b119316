using LogPipeline.Pipeline;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Hosting;

/// <summary>Creates the Elasticsearch sink from configuration.</summary>
internal static class PipelineSinks
{
    public static IRecordSink CreateElasticsearch(IServiceProvider services, IConfiguration configuration) =>
        throw new Configuration.ConfigurationException("the Elasticsearch sink is not part of this build yet");
}
