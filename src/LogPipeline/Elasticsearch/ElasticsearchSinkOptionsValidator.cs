using Microsoft.Extensions.Options;

namespace LogPipeline.Elasticsearch;

/// <summary>Plugs <see cref="ElasticsearchSinkOptions.Validate"/> (generated range checks, then the cross-field
/// rules) into the options system, so <see cref="ElasticsearchServiceCollectionExtensions.AddElasticsearchSinkOptions"/>
/// stops a misconfigured worker at boot with every invalid key listed.</summary>
public sealed class ElasticsearchSinkOptionsValidator : IValidateOptions<ElasticsearchSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, ElasticsearchSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
