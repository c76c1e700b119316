using Elastic.Transport;
using LogPipeline.Elasticsearch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipeline.Tests.Elasticsearch;

public sealed class ElasticsearchSinkOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Defaults_are_valid_and_match_the_documented_values()
    {
        var options = new ElasticsearchSinkOptions();

        Assert.Empty(options.Validate(NoEnvironment));
        Assert.Equal(["http://localhost:9200"], options.EffectiveNodes);
        Assert.Equal(ElasticsearchIndexMode.DataStream, options.Mode);
        Assert.Equal("smm-logs-default", options.Target);
        Assert.Equal(30, options.ResolveRetentionDays(NoEnvironment));
        Assert.Equal(5000, options.Bulk.MaxDocuments);
        Assert.Equal(5 * 1024 * 1024, options.Bulk.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Bulk.FlushInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.Bulk.IdleFlushDelay);
        Assert.False(options.Bulk.Compression);
    }

    [Fact]
    public void Retention_comes_from_the_setting_then_the_environment_then_the_default()
    {
        var env = new Dictionary<string, string?> { ["ELASTICSEARCH_RETENTION_DAYS"] = "14" };

        Assert.Equal(14, new ElasticsearchSinkOptions().ResolveRetentionDays(k => env.GetValueOrDefault(k)));
        Assert.Equal(90, new ElasticsearchSinkOptions { RetentionDays = 90 }.ResolveRetentionDays(k => env.GetValueOrDefault(k)));
        Assert.Equal(30, new ElasticsearchSinkOptions().ResolveRetentionDays(NoEnvironment));
    }

    [Fact]
    public void An_invalid_retention_in_the_environment_names_the_variable_and_the_value()
    {
        var errors = new ElasticsearchSinkOptions().Validate(k => k == "ELASTICSEARCH_RETENTION_DAYS" ? "thirty" : null);

        Assert.Contains(errors, e => e.Contains("ELASTICSEARCH_RETENTION_DAYS='thirty'", StringComparison.Ordinal) && e.Contains("1 to 36500", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Namespace", "Elasticsearch:Namespace='Prod'")]
    [InlineData("Nodes", "Elasticsearch:Nodes:0='es:9200'")]
    [InlineData("Credentials", "carries credentials in the URL")]
    [InlineData("MaxDocuments", "Elasticsearch:Bulk:MaxDocuments=0 is not valid: allowed is 1 to 100000")]
    [InlineData("IdleFlushDelay", "Elasticsearch:Bulk:IdleFlushDelay=00:00:02 is not valid: allowed is 00:00:00 (off) or 00:00:00.001 to FlushInterval (00:00:01)")]
    [InlineData("BothAuth", "both an API key and basic authentication")]
    [InlineData("Fingerprint", "Elasticsearch:CertificateFingerprint='abc'")]
    [InlineData("PasswordFile", "Elasticsearch:PasswordFile='/nonexistent/secret' does not exist")]
    public void An_invalid_setting_is_reported_with_its_key_value_and_what_is_allowed(string what, string expected)
    {
        var options = new ElasticsearchSinkOptions();
        switch (what)
        {
            case "Namespace": options.Namespace = "Prod"; break;
            case "Nodes": options.Nodes = ["es:9200"]; break;
            case "Credentials": options.Nodes = ["https://elastic:changeme@es:9200"]; break;
            case "MaxDocuments": options.Bulk.MaxDocuments = 0; break;
            case "IdleFlushDelay": options.Bulk.IdleFlushDelay = TimeSpan.FromSeconds(2); break;
            case "BothAuth": options.ApiKey = "k"; options.Username = "u"; options.Password = "p"; break;
            case "Fingerprint": options.CertificateFingerprint = "abc"; break;
            case "PasswordFile": options.Username = "u"; options.PasswordFile = "/nonexistent/secret"; break;
        }

        var errors = options.Validate(NoEnvironment);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => options.ThrowIfInvalid(NoEnvironment));
    }

    [Fact]
    public void Options_bound_from_configuration_are_validated_at_start_with_every_bad_key_listed()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Elasticsearch:Nodes:0"] = "https://es-0:9200",
                ["Elasticsearch:Namespace"] = "Bad Namespace",
                ["Elasticsearch:Bulk:MaxConcurrentRequests"] = "0",
            })
            .Build();
        var services = new ServiceCollection();
        services.Configure<ElasticsearchSinkOptions>(configuration.GetSection(ElasticsearchSinkOptions.SectionName));
        services.AddSingleton<IValidateOptions<ElasticsearchSinkOptions>, ElasticsearchSinkOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ElasticsearchSinkOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains("Elasticsearch:Namespace='Bad Namespace'", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Elasticsearch:Bulk:MaxConcurrentRequests=0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_connection_description_never_contains_a_secret()
    {
        var options = new ElasticsearchSinkOptions { Nodes = ["https://es:9200"], Username = "elastic", Password = "s3cr3t-pw" };
        var apiKey = new ElasticsearchSinkOptions { ApiKey = "c2VjcmV0LWFwaS1rZXk=" };

        Assert.DoesNotContain("s3cr3t-pw", ElasticsearchClientFactory.Describe(options), StringComparison.Ordinal);
        Assert.Contains("basic (elastic)", ElasticsearchClientFactory.Describe(options), StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", ElasticsearchClientFactory.Describe(apiKey), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_read_from_files_and_sent_as_authorization()
    {
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, "a2V5OnNlY3JldA==\n");
        try
        {
            await using var server = await Testing.Elasticsearch.ElasticsearchTestServer.StartAsync();
            var options = new ElasticsearchSinkOptions { Nodes = [server.Url.ToString()], ApiKeyFile = keyFile };
            var client = ElasticsearchClientFactory.Create(options);
            var response = await client.RequestAsync<StringResponse>(Elastic.Transport.HttpMethod.GET, "/", CancellationToken.None);

            Assert.True(response.ApiCallDetails.HasSuccessfulStatusCode);
            Assert.Equal("ApiKey a2V5OnNlY3JldA==", server.LastAuthorization);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
