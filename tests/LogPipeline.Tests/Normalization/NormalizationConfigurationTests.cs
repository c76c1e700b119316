using LogPipeline.Configuration;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Tests.Normalization;

/// <summary>The worker binds and checks Enrichment:Normalization at start like the other enrichment sections.</summary>
public sealed class NormalizationConfigurationTests
{
    private static IReadOnlyList<ConfigurationProblem> Validate(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Prepend((Key: "Kafka:Consumer:BootstrapServers", Value: "127.0.0.1:9092")).Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
            .Build();
        return ConfigurationSchema.Validate(configuration);
    }

    [Fact]
    public void Rules_levels_renames_drops_and_a_route_from_configuration_are_accepted()
    {
        var problems = Validate(
            ("Enrichment:Normalization:Rules:0:Shape", "mine"),
            ("Enrichment:Normalization:Rules:0:From", "sev"),
            ("Enrichment:Normalization:Rules:0:To", "level"),
            ("Enrichment:Normalization:Rules:0:As", "SeverityNumber"),
            ("Enrichment:Normalization:Rules:0:Consume", "WhenUsed"),
            ("Enrichment:Normalization:Levels:info:0", "i"),
            ("Enrichment:Normalization:Rename:0:From", "lvl"),
            ("Enrichment:Normalization:Rename:0:To", "level"),
            ("Enrichment:Normalization:Drop:0", "debug_blob"),
            ("Enrichment:Normalization:Route:Field", "kubernetes.namespace_name"),
            ("Enrichment:Normalization:Route:Namespaces:0", "smm-prod"));

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("Enrichment:Normalization:Route:Namespaces:0", "Prod!", "Enrichment:Normalization:Route:Field is not")]
    [InlineData("Enrichment:Normalization:MaxNestedJsonBytes", "1", "Enrichment:Normalization:MaxNestedJsonBytes is 1")]
    [InlineData("Enrichment:Normalization:Rules:0:As", "Upper", "Enrichment:Normalization:Rules:0:As")]
    [InlineData("Enrichment:Normalization:Renames:0:From", "a", "Enrichment:Normalization:Renames is not a known key")]
    public void A_bad_normalization_setting_fails_the_start_naming_its_key(string key, string value, string expected)
    {
        var problems = Validate((key, value));

        Assert.Contains(problems, p => p.Message.Contains(expected, StringComparison.Ordinal));
    }
}
