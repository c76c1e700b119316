using Prometheus;

namespace LogPipeline.Diagnostics;

/// <summary>Every metric the worker exposes on <c>/metrics</c>, in one place (the README's metrics
/// reference lists the same names). Conventions follow Vector's instrumentation spec: errors carry a
/// <c>stage</c> (receiving, processing, sending) and a low-cardinality <c>error_type</c>; a retry that later
/// succeeds is counted as a retry, never as an error.</summary>
internal sealed class PipelineMetrics
{
    public const string Prefix = "logpipeline_";

    /// <summary>Stages used in the <c>stage</c> label.</summary>
    public static class Stages
    {
        public const string Receiving = "receiving";
        public const string Processing = "processing";
        public const string Sending = "sending";
    }

    public PipelineMetrics(CollectorRegistry? registry = null)
    {
        Registry = registry ?? Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);

        // By default every Inc and Observe asks Activity.Current for an exemplar. The pipeline starts no activities
        // (a record's trace is its own field, not the worker's), so the answer is always none, asked on counters
        // incremented per record (its cost: docs/worker.md, sixth session).
        f.ExemplarBehavior = ExemplarBehavior.NoExemplars();

        RecordsReceived = f.CreateCounter(Prefix + "records_received_total",
            "Kafka messages received by the source.", "topic");
        BytesReceived = f.CreateCounter(Prefix + "bytes_received_total",
            "Bytes of Kafka message values received by the source.", "topic");
        RecordsEnriched = f.CreateCounter(Prefix + "records_enriched_total",
            "Records parsed and enriched successfully.");
        RecordsRejected = f.CreateCounter(Prefix + "records_rejected_total",
            "Records refused by the parser (sent to the dead-letter topic).", "reason");
        RecordsIndexed = f.CreateCounter(Prefix + "records_indexed_total",
            "Records stored by the sink (Elasticsearch or files), including already-present duplicates.", "sink");
        RecordsDeadLettered = f.CreateCounter(Prefix + "records_dead_lettered_total",
            "Records produced to the dead-letter topic and acknowledged by Kafka.", "reason");
        RecordsAcknowledged = f.CreateCounter(Prefix + "records_acknowledged_total",
            "Records whose offset may be committed (indexed or dead-lettered).");
        ComponentErrors = f.CreateCounter(Prefix + "component_errors_total",
            "Errors by stage (receiving, processing, sending) and type.", "stage", "error_type");
        Retries = f.CreateCounter(Prefix + "retries_total",
            "Retried operations (a retry that later succeeds is not an error).", "stage", "reason");
        EnricherFailures = f.CreateCounter(Prefix + "enricher_failures_total",
            "Enrichers that threw on a record; the record was kept.", "enricher");

        BulkRequestDuration = f.CreateHistogram(Prefix + "bulk_request_duration_seconds",
            "Duration of Elasticsearch _bulk requests.",
            new HistogramConfiguration
            {
                LabelNames = ["outcome"],
                Buckets = Histogram.ExponentialBuckets(0.005, 2, 12),
            });
        BulkItems = f.CreateCounter(Prefix + "bulk_items_total",
            "Per-item results of _bulk requests: created, duplicate (409 on create), retried, rejected.", "outcome");
        BulkHeldRecords = f.CreateGauge(Prefix + "bulk_held_records",
            "Records the Elasticsearch sink holds and retries because the cluster refuses them for a reason that is not the " +
            "document's (authorization, cluster block, missing target, refused request, unknown error), by error class.", "reason");
        BulkBatchDocuments = f.CreateHistogram(Prefix + "bulk_batch_documents",
            "Documents per _bulk request.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 4, 8) });

        ConsumerLag = f.CreateGauge(Prefix + "consumer_lag",
            "Messages between the committed-or-stored position and the partition's high watermark.",
            "topic", "partition");
        CommittedOffset = f.CreateGauge(Prefix + "committed_offset",
            "Last offset committed to Kafka per partition.", "topic", "partition");
        AssignedPartitions = f.CreateGauge(Prefix + "assigned_partitions",
            "Partitions assigned to this worker.");
        PausedPartitions = f.CreateGauge(Prefix + "paused_partitions",
            "Partitions paused for backpressure.");
        UncommittedGapPausedPartitions = f.CreateGauge(Prefix + "uncommitted_gap_paused_partitions",
            "Partitions paused because the records received behind their oldest unacknowledged one reached Kafka:Source:MaxUncommittedPerPartition.");
        BackpressureSeconds = f.CreateCounter(Prefix + "backpressure_seconds_total",
            "Time the Kafka source took no records because an in-flight bound was reached (held, then paused).");
        Rebalances = f.CreateCounter(Prefix + "rebalances_total",
            "Partition assignment changes by kind (assigned, revoked, lost).", "kind");
        ChannelDepth = f.CreateGauge(Prefix + "channel_depth",
            "Records waiting in a bounded channel between stages.", "channel");
        InFlightBytes = f.CreateGauge(Prefix + "inflight_bytes",
            "Bytes of records received but not yet acknowledged.");
        InFlightRecords = f.CreateGauge(Prefix + "inflight_records",
            "Records received but not yet acknowledged.");

        PiiMasks = f.CreateCounter(Prefix + "pii_masks_total",
            "Values masked, by type (email, phone, card, ssn, iban, jwt, bearer, api_key, private_key, url_password, ip, key).", "type");
        MaskingBudgetExceeded = f.CreateCounter(Prefix + "masking_budget_exceeded_total",
            "String values redacted whole ([redacted:budget]) because masking them passed the scan's work budget.");
        GeoIpLookups = f.CreateCounter(Prefix + "geoip_lookups_total",
            "GeoIP lookups by result (hit, miss, private, malformed).", "result");
        GeoIpDatabaseAge = f.CreateGauge(Prefix + "geoip_database_age_seconds",
            "Age of the loaded GeoIP database (from its build epoch).", "database");
        GeoIpDatabaseReloads = f.CreateCounter(Prefix + "geoip_database_reloads_total",
            "GeoIP database replacements switched to (reloaded) or refused (the loaded database stays in use).", "database", "result");
        RulesReloads = f.CreateCounter(Prefix + "rules_reloads_total",
            "Rules files (Enrichment:RuleFiles) switched to (reloaded) or refused (the rules in use stay).", "rules", "result");
        ErrorCategories = f.CreateCounter(Prefix + "error_categories_total",
            "Error records by assigned error_category.", "category");
        TracesLinked = f.CreateCounter(Prefix + "trace_linked_records_total",
            "Records that carried a trace ID and got trace linking fields.");
        TraceHeaders = f.CreateCounter(Prefix + "trace_headers_total",
            "Records that arrived with trace context headers, by result (used: the body had no trace ID; body: the body's won; malformed: per header, ignored).", "result");
        NormalizedRecords = f.CreateCounter(Prefix + "normalized_records_total",
            "Records the normalization stage recognized, by shape (ecs, clef, otel, docker, kubernetes, nested_json, configured shapes).", "shape");
        NormalizedFields = f.CreateCounter(Prefix + "normalized_fields_total",
            "Fields the normalization stage changed, by action (mapped, renamed, dropped, scalar_moved).", "action");
        NestedJson = f.CreateCounter(Prefix + "nested_json_total",
            "JSON objects nested in string fields, by result (parsed; refused: left as text, over a bound or not valid JSON).", "result");
        RoutedRecords = f.CreateCounter(Prefix + "routed_records_total",
            "Records the normalization stage routed to a data stream namespace other than the sink's, by namespace.", "namespace");
        OtlpBatches = f.CreateCounter(Prefix + "otlp_batches_total",
            "OTLP/JSON logs batches split into one document per log record.");
        OtlpBatchRecords = f.CreateCounter(Prefix + "otlp_batch_records_total",
            "Log records taken out of OTLP/JSON logs batches.");

        Ready = f.CreateGauge(Prefix + "ready", "1 when /readyz answers ready.");
        BuildInfo = f.CreateGauge(Prefix + "build_info", "Always 1; labels carry the version.", "version");
    }

    public CollectorRegistry Registry { get; }

    public Counter RecordsReceived { get; }
    public Counter BytesReceived { get; }
    public Counter RecordsEnriched { get; }
    public Counter RecordsRejected { get; }
    public Counter RecordsIndexed { get; }
    public Counter RecordsDeadLettered { get; }
    public Counter RecordsAcknowledged { get; }
    public Counter ComponentErrors { get; }
    public Counter Retries { get; }
    public Counter EnricherFailures { get; }
    public Histogram BulkRequestDuration { get; }
    public Counter BulkItems { get; }
    public Gauge BulkHeldRecords { get; }
    public Histogram BulkBatchDocuments { get; }
    public Gauge ConsumerLag { get; }
    public Gauge CommittedOffset { get; }
    public Gauge AssignedPartitions { get; }
    public Gauge PausedPartitions { get; }
    public Gauge UncommittedGapPausedPartitions { get; }

    public Counter BackpressureSeconds { get; }
    public Counter Rebalances { get; }
    public Gauge ChannelDepth { get; }
    public Gauge InFlightBytes { get; }
    public Gauge InFlightRecords { get; }
    public Counter PiiMasks { get; }
    public Counter MaskingBudgetExceeded { get; }
    public Counter GeoIpLookups { get; }
    public Gauge GeoIpDatabaseAge { get; }
    public Counter GeoIpDatabaseReloads { get; }
    public Counter RulesReloads { get; }
    public Counter ErrorCategories { get; }
    public Counter TracesLinked { get; }
    public Counter TraceHeaders { get; }
    public Counter NormalizedRecords { get; }
    public Counter NormalizedFields { get; }
    public Counter NestedJson { get; }
    public Counter RoutedRecords { get; }
    public Counter OtlpBatches { get; }
    public Counter OtlpBatchRecords { get; }
    public Gauge Ready { get; }
    public Gauge BuildInfo { get; }
}
