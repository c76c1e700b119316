using LogPipeline.Elasticsearch;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>The sink scenarios against a real cluster (<c>LOGPIPELINE_ES_URL</c>), each in its
/// own namespace whose data stream is deleted afterwards. Faults cannot be injected into a real cluster, so the
/// 429 and outage scenarios run on the test server only. The templates and ILM policy stay installed.</summary>
public sealed class RealClusterTests
{
    private static string NewNamespace() => "it" + Guid.NewGuid().ToString("N")[..10];

    private static async Task InNamespaceAsync(Func<string, Task> scenario)
    {
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
    public Task A_record_delivered_twice_becomes_one_document() =>
        InNamespaceAsync(ns => SinkScenarios.RedeliveryLeavesOneDocumentAsync(RealClusterFactAttribute.Url, ns));

    [RealClusterFact]
    public async Task The_cluster_accepts_the_shipped_templates_and_reports_the_installed_versions()
    {
        var options = SinkScenarios.Options(RealClusterFactAttribute.Url, NewNamespace());
        try
        {
            var report = await new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(SinkScenarios.Timeout());

            Assert.Equal(5, report.Resources.Count);
            Assert.All(report.Resources.Take(4), r => Assert.NotEqual(BootstrapOutcome.Updated, r.Outcome));
        }
        finally
        {
            await SinkScenarios.DeleteDataStreamAsync(RealClusterFactAttribute.Url, options.Target);
        }
    }
}
