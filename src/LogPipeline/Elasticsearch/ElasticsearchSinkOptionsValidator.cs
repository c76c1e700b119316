using Microsoft.Extensions.Options;

namespace LogPipeline.Elasticsearch;

/// <summary>Plugs <see cref="ElasticsearchSinkOptions.Validate"/> (generated range checks, then the cross-field
/// rules) into the options system. The section's entry in the configuration schema registers it with
/// <c>AddOptions&lt;T&gt;().Bind(section).ValidateOnStart()</c>, so a misconfigured worker stops at boot with every
/// invalid key listed, and the check before start reports the same lines.</summary>
internal sealed class ElasticsearchSinkOptionsValidator : IValidateOptions<ElasticsearchSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, ElasticsearchSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
