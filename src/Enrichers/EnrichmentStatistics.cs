namespace Enrichers;

/// <summary>What the enrichment chain did, counted. Shared by all sessions of a chain and thread-safe; the
/// worker exposes it as Prometheus metrics and the CLI commands print it.</summary>
public sealed class EnrichmentStatistics
{
    private long _recordsEnriched;
    private long _tracesLinked;
    private long _valuesRedactedOverBudget;
    private long _valuesRedactedOnError;
    private long _otlpBatches;
    private long _otlpBatchRecords;

    /// <summary>Raised when an enricher throws (the record was kept). Handlers must not throw.</summary>
    public event Action<EnricherFailure>? EnricherFailed;

    /// <summary>Raised when masking redacted a value whole because scanning it passed its work budget (the
    /// record was kept). Carries the enricher's name, never the value. Handlers must not throw.</summary>
    public event Action<string>? ValueOverBudget;

    public long RecordsEnriched => Interlocked.Read(ref _recordsEnriched);

    /// <summary>Records that got trace linking fields.</summary>
    public long TracesLinked => Interlocked.Read(ref _tracesLinked);

    /// <summary>String values masking redacted whole (<c>[redacted:budget]</c>) because scanning them passed its
    /// work budget: a crafted or pathological value, failed closed.</summary>
    public long ValuesRedactedOverBudget => Interlocked.Read(ref _valuesRedactedOverBudget);

    /// <summary>String values masking replaced whole (<c>[redacted:error]</c>) because masking them failed (each is also
    /// reported as an enricher failure); the rest of their record was masked as usual.</summary>
    public long ValuesRedactedOnError => Interlocked.Read(ref _valuesRedactedOnError);

    /// <summary>OTLP/JSON logs batches split into their log records (see <see cref="EnrichmentSession.EnrichEach"/>).</summary>
    public long OtlpBatches => Interlocked.Read(ref _otlpBatches);

    /// <summary>Log records taken out of OTLP/JSON logs batches (each one document).</summary>
    public long OtlpBatchRecords => Interlocked.Read(ref _otlpBatchRecords);

    /// <summary>Raw values refused by the parser, by <see cref="Json.RecordRejection.Code"/>.</summary>
    public CounterSet Rejections { get; } = new();

    /// <summary>Masked values by type (email, phone, card, ...).</summary>
    public CounterSet Masks { get; } = new();

    /// <summary>GeoIP outcomes: hit, miss, private, malformed.</summary>
    public CounterSet GeoIp { get; } = new();

    /// <summary>Error records by assigned category (producer-set categories count as theirs).</summary>
    public CounterSet ErrorCategories { get; } = new();

    /// <summary>Records the normalization stage recognized, by shape (ecs, clef, otel, docker, kubernetes).</summary>
    public CounterSet Normalized { get; } = new();

    /// <summary>Records that arrived with trace headers (Kafka message headers, see <see cref="Tracing.TraceHeaders"/>):
    /// <c>used</c> (the body had no trace ID, the headers' became the record's), <c>body</c> (the body's own trace ID
    /// won), <c>malformed</c> (a header sent but not readable, ignored; counted per header).</summary>
    public CounterSet TraceHeaders { get; } = new();

    /// <summary>Fields the normalization stage changed, by action: <see cref="FieldMapped"/> (a rule wrote a canonical
    /// field), <see cref="FieldRenamed"/>, <see cref="FieldDropped"/> (configured renames and drops),
    /// <see cref="FieldScalarMoved"/> (a scalar out of a field the index maps as an object).</summary>
    public CounterSet NormalizedFields { get; } = new();

    public const string FieldMapped = "mapped";
    public const string FieldRenamed = "renamed";
    public const string FieldDropped = "dropped";
    public const string FieldScalarMoved = "scalar_moved";

    /// <summary>JSON nested in string fields (<c>log</c>, <c>message</c>): <see cref="NestedJsonParsed"/> (lifted) or
    /// <see cref="NestedJsonRefused"/> (looked like one JSON object but was left as text: over the size or depth
    /// bound, or not valid JSON).</summary>
    public CounterSet NestedJson { get; } = new();

    public const string NestedJsonParsed = "parsed";
    public const string NestedJsonRefused = "refused";

    /// <summary>Records routed to a data stream namespace other than the sink's, by namespace.</summary>
    public CounterSet Routes { get; } = new();

    /// <summary>Enricher exceptions by enricher name.</summary>
    public CounterSet EnricherFailures { get; } = new();

    public void RecordEnriched() => Interlocked.Increment(ref _recordsEnriched);

    internal void OtlpBatchSplit(int records)
    {
        Interlocked.Increment(ref _otlpBatches);
        Interlocked.Add(ref _otlpBatchRecords, records);
    }

    public void TraceLinked() => Interlocked.Increment(ref _tracesLinked);

    internal void ValueRedactedOverBudget(string enricher)
    {
        Interlocked.Increment(ref _valuesRedactedOverBudget);
        ValueOverBudget?.Invoke(enricher);
    }

    internal void ValueRedactedOnError() => Interlocked.Increment(ref _valuesRedactedOnError);

    internal void ReportFailure(string enricher, Exception exception)
    {
        EnricherFailures.Increment(enricher);
        EnricherFailed?.Invoke(new EnricherFailure(enricher, exception.GetType().Name, exception.Message));
    }
}
