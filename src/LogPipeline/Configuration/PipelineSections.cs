using Enrichers;
using Confluent.Kafka;
using LogPipeline.Elasticsearch;
using LogPipeline.Kafka;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Configuration;

/// <summary>The sections of the pipeline's components (Kafka source, Elasticsearch sink, enrichment chain), which
/// their own options classes define and validate. Kept apart from the worker's sections so each component's entry
/// is one line. Kafka's client configs are bound by <see cref="KafkaClientConfiguration"/> (librdkafka names,
/// the producer inherits from the consumer); the others by the options system.</summary>
internal static class PipelineSections
{
    public static IReadOnlyList<ConfigurationSchema.Section> All { get; } =
    [
        new ConfigurationSchema.ComponentSection(KafkaClientConfiguration.ConsumerSection, typeof(ConsumerConfig),
            config => KafkaErrors(() => KafkaClientConfiguration.BindConsumer(config))),
        new ConfigurationSchema.ComponentSection(KafkaClientConfiguration.ProducerSection, typeof(ProducerConfig),
            config => KafkaErrors(() => KafkaClientConfiguration.BindProducer(config, TryBindConsumer(config)))),
        ConfigurationSchema.Bound<KafkaSourceOptions>(KafkaSourceOptions.SectionName, o => o.Validate(), KafkaClientConfiguration.BindSource),
        new ConfigurationSchema.OptionsSection<ElasticsearchSinkOptions>(ElasticsearchSinkOptions.SectionName, new ElasticsearchSinkOptionsValidator()),
        ConfigurationSchema.Bound<EnrichmentOptions>(EnrichmentOptions.SectionName, o => o.Validate()),
    ];

    private static IEnumerable<string> KafkaErrors(Action bind)
    {
        try
        {
            bind();
            return [];
        }
        catch (KafkaConfigurationException e)
        {
            return e.Errors;
        }
    }

    // The producer's own problems only: the consumer's are reported by its own entry.
    private static ConsumerConfig TryBindConsumer(IConfiguration config)
    {
        try
        {
            return KafkaClientConfiguration.BindConsumer(config);
        }
        catch (KafkaConfigurationException)
        {
            return new ConsumerConfig();
        }
    }
}
