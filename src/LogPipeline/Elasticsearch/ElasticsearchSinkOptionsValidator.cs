using Microsoft.Extensions.Options;

namespace LogPipeline.Elasticsearch;

/// <summary>Plugs <see cref="ElasticsearchSinkOptions.Validate"/> into the options system, so
/// <c>AddOptions&lt;ElasticsearchSinkOptions&gt;().ValidateOnStart()</c> stops a misconfigured worker at boot
/// with every invalid key listed.</summary>
public sealed class ElasticsearchSinkOptionsValidator : IValidateOptions<ElasticsearchSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, ElasticsearchSinkOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
