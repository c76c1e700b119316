using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipeline.Elasticsearch;

/// <summary>Registers the <c>Elasticsearch</c> section: bound once, validated at start.</summary>
public static class ElasticsearchServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ElasticsearchSinkOptions.SectionName"/> into <see cref="ElasticsearchSinkOptions"/>
    /// with <see cref="ElasticsearchSinkOptionsValidator"/>, validated when the host starts (and at first use).</summary>
    public static OptionsBuilder<ElasticsearchSinkOptions> AddElasticsearchSinkOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<ElasticsearchSinkOptions>, ElasticsearchSinkOptionsValidator>();
        return services.AddOptions<ElasticsearchSinkOptions>()
            .Bind(configuration.GetSection(ElasticsearchSinkOptions.SectionName))
            .ValidateOnStart();
    }
}
