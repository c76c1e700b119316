using System.Buffers;
using System.Text;
using Enrichers;
using Enrichers.Normalization;
using Enrichers.Tracing;
using LogPipeline.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogPipeline.Tests.Diagnostics;

/// <summary>The chain's counters reach /metrics under their documented names when Prometheus scrapes.</summary>
public sealed class EnrichmentMetricsBridgeTests
{
    private static string Scrape(PipelineMetrics metrics)
    {
        using var stream = new MemoryStream();
        metrics.Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Normalization_batch_and_trace_header_counters_are_exported_with_stable_names()
    {
        var options = new EnrichmentOptions();
        options.Normalization.Rename = [new RenameRule("lvl", "level")];
        options.Normalization.Drop = ["debug_blob"];
        options.Normalization.Route = new RouteOptions { Field = "ns", Namespaces = ["smm-prod"] };
        using var chain = EnrichmentChain.Create(options);
        using var session = chain.CreateSession();
        var metrics = new PipelineMetrics();
        _ = new EnrichmentMetricsBridge(chain.Statistics, metrics, NullLogger.Instance);
        string[] lines =
        [
            """{"lvl":"WARN","debug_blob":"x","ns":"smm-prod","log":"{\"@t\":\"2026-11-26T12:00:00Z\",\"@m\":\"lifted\"}"}""",
            """{"message":"{\"cut\": }","client":"10.0.0.1"}""",
            """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}},{"body":{"stringValue":"b"}}]}]}]}""",
        ];
        var headers = new TraceHeaders { Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", B3 = "bad" };
        foreach (var line in lines)
        {
            Assert.True(session.EnrichEach(Encoding.UTF8.GetBytes(line), new ArrayBufferWriter<byte>(), [], null, headers).Accepted);
        }

        var text = Scrape(metrics);

        Assert.Contains("logpipeline_normalized_records_total{shape=\"nested_json\"} 1", text);
        Assert.Contains("logpipeline_normalized_records_total{shape=\"clef\"} 1", text);
        Assert.Contains("logpipeline_normalized_records_total{shape=\"otel\"} 2", text);
        Assert.Contains("logpipeline_normalized_fields_total{action=\"renamed\"} 1", text);
        Assert.Contains("logpipeline_normalized_fields_total{action=\"dropped\"} 1", text);
        Assert.Contains("logpipeline_normalized_fields_total{action=\"scalar_moved\"} 1", text);
        Assert.Matches(@"logpipeline_normalized_fields_total\{action=""mapped""\} [1-9]", text);
        Assert.Contains("logpipeline_nested_json_total{result=\"parsed\"} 1", text);
        Assert.Contains("logpipeline_nested_json_total{result=\"refused\"} 1", text);
        Assert.Contains("logpipeline_routed_records_total{namespace=\"smm-prod\"} 1", text);
        Assert.Contains("logpipeline_otlp_batches_total 1", text);
        Assert.Contains("logpipeline_otlp_batch_records_total 2", text);
        Assert.Contains("logpipeline_trace_headers_total{result=\"used\"} 4", text);
        Assert.Contains("logpipeline_trace_headers_total{result=\"malformed\"} 4", text);
    }
}
