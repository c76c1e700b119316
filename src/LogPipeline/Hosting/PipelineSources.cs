using Microsoft.Extensions.Configuration;

namespace LogPipeline.Hosting;

/// <summary>Creates the worker's source from configuration.</summary>
internal static class PipelineSources
{
    public static IPipelineSource CreateKafka(IServiceProvider services, IConfiguration configuration) =>
        throw new Configuration.ConfigurationException("the Kafka source is not part of this build yet");
}
