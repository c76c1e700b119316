using Enrichers;
using LogPipeline.Elasticsearch;

namespace LogPipeline.Configuration;

/// <summary>The sections of the pipeline's components (Kafka source, Elasticsearch sink, enrichment chain), which
/// their own options classes define and validate. Kept apart from the worker's sections so each component's entry
/// is one line.</summary>
internal static class PipelineSections
{
    public static IReadOnlyList<ConfigurationSchema.Section> All { get; } =
    [
        ConfigurationSchema.Bound<ElasticsearchSinkOptions>(ElasticsearchSinkOptions.SectionName, o => o.Validate()),
        ConfigurationSchema.Bound<EnrichmentOptions>(EnrichmentOptions.SectionName, o => o.Validate()),
    ];
}
