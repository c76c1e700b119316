using LogPipeline.Configuration;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Kafka;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogPipeline.Hosting;

/// <summary>Creates the worker's source: the Kafka source over the enrichment processor and the configured sink.</summary>
internal static class PipelineSources
{
    public static KafkaPipelineSource CreateKafka(IServiceProvider services, IConfiguration configuration)
    {
        var options = services.GetRequiredService<IOptions<KafkaSourceOptions>>().Value;
        Confluent.Kafka.ConsumerConfig consumer;
        Confluent.Kafka.ProducerConfig producer;
        try
        {
            consumer = KafkaClientConfiguration.BindConsumer(configuration);
            producer = KafkaClientConfiguration.BindProducer(configuration, consumer);
        }
        catch (KafkaConfigurationException e)
        {
            throw new ConfigurationException(e.Errors.Select(m => new ConfigurationProblem("Kafka", m)).ToList());
        }

        var sinkOptions = services.GetRequiredService<IOptions<SinkOptions>>().Value;
        var startup = services.GetRequiredService<IOptions<StartupOptions>>().Value;
        var health = services.GetRequiredService<PipelineHealth>();
        var describe = sinkOptions.Type == SinkOptions.Types.File
            ? $"file sink directory '{sinkOptions.File.Directory}'"
            : "Elasticsearch " + ElasticsearchClientFactory.Describe(services.GetRequiredService<IOptions<ElasticsearchSinkOptions>>().Value);
        var sink = new BootstrapDeadlineSink(services.GetRequiredService<IRecordSink>(), startup.ConnectTimeout, describe, health.MarkBootstrapped);
        var source = new KafkaSource(
            options,
            consumer,
            producer,
            services.GetRequiredService<IRecordProcessor>(),
            sink,
            services.GetRequiredService<PipelineMetrics>(),
            services.GetRequiredService<ILogger<KafkaSource>>());
        return new KafkaPipelineSource(source, options, consumer, services.GetRequiredService<ILogger<KafkaPipelineSource>>());
    }
}
