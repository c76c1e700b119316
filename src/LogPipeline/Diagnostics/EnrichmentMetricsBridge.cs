using Enrichers;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Diagnostics;

/// <summary>Copies <see cref="EnrichmentStatistics"/> into <see cref="PipelineMetrics"/> when Prometheus scrapes
/// (the chain counts with plain interlocked counters on the hot path; labelled Prometheus children are touched
/// once per scrape instead of once per record). Also logs enricher failures, at most once a minute per enricher, and
/// values masking redacted whole over its work budget, at most once a minute, without the value.</summary>
internal sealed class EnrichmentMetricsBridge
{
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);
    private readonly EnrichmentStatistics _statistics;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, long> _lastFailureLog = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public EnrichmentMetricsBridge(EnrichmentStatistics statistics, PipelineMetrics metrics, ILogger logger)
    {
        _statistics = statistics;
        _metrics = metrics;
        _logger = logger;
        metrics.Registry.AddBeforeCollectCallback(Update);
        statistics.EnricherFailed += OnEnricherFailed;
        statistics.ValueOverBudget += OnValueOverBudget;
    }

    /// <summary>Brings the metrics up to the statistics (also called before the demo's summary).</summary>
    public void Update()
    {
        lock (_lock)
        {
            // records_enriched and records_rejected are counted by the source, per record it hands over.
            _metrics.TracesLinked.IncTo(_statistics.TracesLinked);
            Copy(_statistics.Masks, _metrics.PiiMasks);
            _metrics.MaskingBudgetExceeded.IncTo(_statistics.ValuesRedactedOverBudget);
            Copy(_statistics.GeoIp, _metrics.GeoIpLookups);
            Copy(_statistics.ErrorCategories, _metrics.ErrorCategories);
            Copy(_statistics.EnricherFailures, _metrics.EnricherFailures);
            Copy(_statistics.TraceHeaders, _metrics.TraceHeaders);
            Copy(_statistics.Normalized, _metrics.NormalizedRecords);
            Copy(_statistics.NormalizedFields, _metrics.NormalizedFields);
            Copy(_statistics.NestedJson, _metrics.NestedJson);
            Copy(_statistics.Routes, _metrics.RoutedRecords);
            _metrics.OtlpBatches.IncTo(_statistics.OtlpBatches);
            _metrics.OtlpBatchRecords.IncTo(_statistics.OtlpBatchRecords);
        }
    }

    private static void Copy(CounterSet source, Prometheus.Counter target)
    {
        foreach (var (key, value) in source.Snapshot())
        {
            target.WithLabels(key).IncTo(value);
        }
    }

    private void OnEnricherFailed(EnricherFailure failure)
    {
        if (!IsLogDue(failure.Enricher))
        {
            return;
        }

        // The exception message is the enricher's own text, never record content (see EnricherFailure).
        _logger.LogWarning("enricher {Enricher} failed ({ExceptionType}); records are kept without its fields. Further failures are counted in logpipeline_enricher_failures_total",
            failure.Enricher, failure.ExceptionType);
    }

    private void OnValueOverBudget(string enricher)
    {
        // A crafted value can arrive in every record: one line a minute, and never the value.
        if (IsLogDue(enricher + ":budget"))
        {
            _logger.LogWarning("enricher {Enricher} redacted a value whole ([redacted:budget]): scanning it passed the work budget; the record is kept. Further ones are counted in logpipeline_masking_budget_exceeded_total",
                enricher);
        }
    }

    /// <summary>At most one log line a minute per key.</summary>
    private bool IsLogDue(string key)
    {
        var now = Environment.TickCount64;
        lock (_lastFailureLog)
        {
            if (_lastFailureLog.TryGetValue(key, out var last) && now - last < FailureLogInterval.TotalMilliseconds)
            {
                return false;
            }

            _lastFailureLog[key] = now;
            return true;
        }
    }
}
