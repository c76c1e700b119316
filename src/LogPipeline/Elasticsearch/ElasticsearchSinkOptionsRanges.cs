using Microsoft.Extensions.Options;

namespace LogPipeline.Elasticsearch;

/// <summary>The single-setting ranges of <see cref="ElasticsearchSinkOptions"/> and <see cref="ElasticsearchBulkOptions"/>
/// (their <see cref="Configuration.SettingRangeAttribute"/>s), checked by code the options source generator writes.
/// Call it with the section name as the options name so messages carry the full key.</summary>
[OptionsValidator]
internal sealed partial class ElasticsearchSinkOptionsRanges : IValidateOptions<ElasticsearchSinkOptions>
{
}
