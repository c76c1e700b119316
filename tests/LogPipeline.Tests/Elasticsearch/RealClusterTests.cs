using LogPipeline.Elasticsearch;
using Xunit.Abstractions;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The sink scenarios against a real cluster (<c>LOGPIPELINE_ES_URL</c>), each in its
/// own namespace whose data stream is deleted afterwards. Faults cannot be injected into a real cluster, so the
/// 429 and outage scenarios run on the test server only. The templates and ILM policies stay installed. Every test
/// writes the cluster's version to its output (<c>dotnet test --logger "console;verbosity=detailed"</c>), and
/// <see cref="The_cluster_is_a_supported_elasticsearch_and_reports_its_version"/> names it in its result.</summary>
public sealed class RealClusterTests(ITestOutputHelper output)
{
    private static string NewNamespace() => "it" + Guid.NewGuid().ToString("N")[..10];

    private async Task<ElasticsearchProtocol> ClusterAsync()
    {
        var options = SinkScenarios.Options(RealClusterFactAttribute.Url);
        var protocol = await ElasticsearchProtocol.NegotiateAsync(ElasticsearchClientFactory.Create(options), SinkScenarios.Timeout());
        output.WriteLine($"real cluster {RealClusterFactAttribute.Url}: {protocol}");
        return protocol;
    }

    private async Task InNamespaceAsync(Func<string, Task> scenario)
    {
        await ClusterAsync();
        var ns = NewNamespace();
        try
        {
            await scenario(ns);
        }
        finally
        {
            await SinkScenarios.DeleteDataStreamAsync(RealClusterFactAttribute.Url, $"smm-logs-{ns}");
        }
    }

    [RealClusterFact]
    public Task Bootstrap_twice_and_from_two_workers_at_once_gives_the_same_resources_without_errors() =>
        InNamespaceAsync(ns => SinkScenarios.BootstrapTwiceAndConcurrentlyAsync(RealClusterFactAttribute.Url, ns));

    [RealClusterFact]
    public Task Hundred_thousand_records_are_all_indexed_exactly_once() =>
        InNamespaceAsync(ns => SinkScenarios.AllIndexedExactlyOnceAsync(RealClusterFactAttribute.Url, ns, 100_000, o => o.Bulk.MaxDocuments = 5000));

    [RealClusterFact]
    public Task Mapping_errors_send_only_the_chosen_documents_to_the_dead_letter_path_with_the_reason() =>
        InNamespaceAsync(ns => SinkScenarios.MappingErrorsAreRejectedWithTheReasonAsync(RealClusterFactAttribute.Url, ns));

    [RealClusterFact]
    public Task A_document_with_a_field_twice_is_dead_lettered_with_elasticsearchs_reason_and_the_rest_indexed() =>
        InNamespaceAsync(ns => SinkScenarios.DuplicateFieldIsRejectedWithTheReasonAsync(RealClusterFactAttribute.Url, ns));

    [RealClusterFact]
    public Task A_record_delivered_twice_becomes_one_document() =>
        InNamespaceAsync(ns => SinkScenarios.RedeliveryLeavesOneDocumentAsync(RealClusterFactAttribute.Url, ns));

    [RealClusterFact]
    public async Task The_cluster_is_a_supported_elasticsearch_and_reports_its_version()
    {
        var protocol = await ClusterAsync();

        // The version is part of the assertion so the test result names the cluster it ran against.
        Assert.True(protocol.Server.Version >= ElasticsearchProtocol.MinimumVersion, $"ran against {protocol}");
        Assert.InRange(protocol.CompatibleWith, 8, ElasticsearchProtocol.NewestTestedMajor);
    }

    [RealClusterFact]
    public async Task The_cluster_accepts_the_shipped_templates_and_reports_the_installed_versions()
    {
        var options = SinkScenarios.Options(RealClusterFactAttribute.Url, NewNamespace());
        try
        {
            var report = await new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(SinkScenarios.Timeout());
            output.WriteLine($"real cluster {RealClusterFactAttribute.Url}: {report.Protocol}, lifecycle {report.Lifecycle}");

            Assert.Equal(report.Lifecycle == ElasticsearchLifecycle.Ilm ? 6 : 5, report.Resources.Count);
            Assert.All(report.Resources.Where(r => r.Kind is ManagedResourceKind.IlmPolicy or ManagedResourceKind.IndexTemplate && r.Name != "smm-logs"),
                r => Assert.Equal(BootstrapOutcome.Created, r.Outcome));
        }
        finally
        {
            await SinkScenarios.DeleteDataStreamAsync(RealClusterFactAttribute.Url, options.Target);
        }
    }
}
