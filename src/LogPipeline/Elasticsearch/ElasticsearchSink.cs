using System.Collections.Concurrent;
using System.Diagnostics;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace LogPipeline.Elasticsearch;

/// <summary>Bulk-indexes processed records into the data stream (or write alias) <c>smm-logs-&lt;namespace&gt;</c>.
/// <list type="bullet">
/// <item>Batching is <see cref="BatchingSink"/>'s: records wait in a bounded buffer
/// (<see cref="ElasticsearchBulkOptions.MaxBufferedDocuments"/>, a full one pauses the source), batches close on count,
/// bytes or age, and at most <see cref="ElasticsearchBulkOptions.MaxConcurrentRequests"/> are sent at once; this class
/// only sends a batch (<see cref="ExportAsync"/>).</item>
/// <item>Each record's <c>_id</c> is <c>topic:partition:offset</c>; op <c>create</c> on data streams, where 409
/// <c>version_conflict_engine_exception</c> means "already indexed" and is acknowledged.</item>
/// <item>What happens to records Elasticsearch did not store is decided by <see cref="BulkErrorRules"/>, by what the
/// error says about the document: load shedding is retried; errors about the cluster, the worker's rights or the
/// request (and unknown errors) hold the records, retried with backoff while <see cref="IsHealthy"/> is false; only
/// errors about the document itself (mapping, parsing, too large alone) reject it (dead letter) with Elasticsearch's
/// error type and reason.</item>
/// <item>A request that fails as a whole is retried with backoff without limit while <see cref="IsHealthy"/> is false;
/// 413 and a 400 that says the body could not be parsed split the batch to isolate the document.</item>
/// <item>Held records and a failing request keep a sender slot busy: when every slot is, the buffer fills and
/// <see cref="BatchingSink.WriteAsync"/> waits, which pauses the source's partitions.</item>
/// </list>
/// Every record handed over is eventually acknowledged or rejected, unless the sink is disposed first; then
/// it is neither, and the source does not commit it.</summary>
internal sealed class ElasticsearchSink : BatchingSink
{
    private const string SinkLabel = "elasticsearch";

    private readonly ITransport<IElasticsearchClientSettings> _client;
    private readonly ElasticsearchSinkOptions _options;
    private readonly BulkBodyWriter _bodyWriter;
    private readonly RetryBackoff _backoff;
    private readonly string _bulkPath;
    private readonly bool _create;
    private readonly HeldRecords _held;

    // A response's items for 5,000 documents take 160 KB: a large-object allocation per request, which piled up
    // as large-object garbage between full collections. One list per request in flight is kept.
    private readonly ConcurrentBag<List<BulkResponseReader.Item>> _itemLists = [];

    private ElasticsearchProtocol? _protocol;
    private long _requestsInFlight;
    private volatile bool _healthy;
    private long _lastFailureLogTicks;
    private long _lastHoldLogTicks;

    public ElasticsearchSink(
        ITransport<IElasticsearchClientSettings> client,
        ElasticsearchSinkOptions options,
        PipelineMetrics metrics,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
        : base(Limits(options), metrics, logger ?? NullLogger.Instance, timeProvider, SinkLabel, "Elasticsearch")
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options;
        // Its pool holds the response buffers, one per request in flight, plus one: a split (413/400) sends its
        // halves while the sender slot is still held.
        _create = options.Mode == ElasticsearchIndexMode.DataStream;
        _bodyWriter = new BulkBodyWriter(_create ? "create" : "index", options.Bulk.MaxConcurrentRequests + 1, _create ? ElasticsearchSinkOptions.BaseName : null);
        _held = new HeldRecords(metrics.BulkHeldRecords);
        _backoff = new RetryBackoff(options.Bulk.RetryInitialDelay, options.Bulk.RetryMaxDelay);
        // Only what the sink reads: without the filter each item echoes index, _id, version, shards and sequence
        // numbers (~200 bytes per document), which cost the worker more to receive and parse than the outcome it
        // needs. Beats and Logstash send the same filter. Items keep their order: every item has a status.
        _bulkPath = $"/{options.Target}/_bulk?filter_path={BulkResponseReader.FilterPath}";
    }

    /// <summary>Builds the client from <paramref name="options"/> (see <see cref="ElasticsearchClientFactory"/>) and the sink.</summary>
    public static ElasticsearchSink Create(ElasticsearchSinkOptions options, PipelineMetrics metrics, ILogger? logger = null) =>
        new(ElasticsearchClientFactory.Create(options), options, metrics, logger);

    /// <summary>False until started, while <c>_bulk</c> requests fail as a whole, and while records are held for an
    /// error that is not theirs (<see cref="BulkErrorAction.Hold"/>).</summary>
    public override bool IsHealthy => _healthy && _held.Total == 0;

    /// <summary>The cluster's version and the media types every request uses, decided at start (null before).</summary>
    public ElasticsearchProtocol? Protocol => _protocol;

    /// <summary>The last bootstrap's report (null when bootstrap is off or not done yet).</summary>
    public BootstrapReport? BootstrapReport { get; private set; }

    private protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        (_protocol, BootstrapReport) = await ElasticsearchStartup.ConnectAsync(_client, _options, Metrics, _backoff, Time, Logger, cancellationToken).ConfigureAwait(false);
        _healthy = true;
    }

    public override ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // A bulk body is line-based: an empty document or one spanning lines would corrupt the whole request.
        var document = record.Document.Span;
        if (document.IsEmpty || document.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            var acknowledger = Acknowledger;
            var reason = document.IsEmpty ? "the record has no document" : "the document is not single-line JSON";
            Metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "invalid_document").Inc();
            acknowledger.Reject(record, "invalid_document", reason);
            return ValueTask.CompletedTask;
        }

        return base.WriteAsync(record, cancellationToken);
    }

    /// <summary>Explains the running sink (like Elastic's ingest channels do).</summary>
    public override string ToString() =>
        $"ElasticsearchSink(target={_options.Target}, healthy={_healthy}, buffered={Buffered}, " +
        $"accepted={Accepted}, settled={Settled}, " +
        $"requests_in_flight={Interlocked.Read(ref _requestsInFlight)}, held={_held.Total}, max_documents={_options.Bulk.MaxDocuments}, " +
        $"max_bytes={_options.Bulk.MaxBytes}, concurrency={_options.Bulk.MaxConcurrentRequests})";

    private protected override Task ExportAsync(List<PipelineRecord> batch, CancellationToken cancellationToken) =>
        IndexAsync(batch, cancellationToken);

    private protected override ValueTask DisposeCoreAsync()
    {
        _healthy = false;
        return ValueTask.CompletedTask;
    }

    /// <summary>Indexes <paramref name="records"/> until each one is acknowledged or rejected.</summary>
    private async Task IndexAsync(List<PipelineRecord> records, CancellationToken ct)
    {
        var acknowledger = Acknowledger;
        var pending = records;
        var requestAttempt = 0;
        var itemAttempt = 0;

        // Records of `pending` held after the latest answer, by error class.
        Dictionary<string, int>? held = null;
        try
        {
            while (pending.Count > 0)
            {
                var (response, status, failure) = await SendAsync(pending, ct).ConfigureAwait(false);
                if (response is null)
                {
                    var rule = status is { } code ? BulkErrorRules.ForRequest(code, failure?.Type, failure?.Reason) : BulkErrorRules.ConnectionFailed;
                    if (rule.Action == BulkErrorAction.Reject)
                    {
                        Hold(ref held, null, null);
                        await IsolateAsync(acknowledger, pending, status == 413, failure!.Value, ct).ConfigureAwait(false);
                        return;
                    }

                    _healthy = false;
                    Hold(ref held, rule.Action == BulkErrorAction.Hold ? new() { [rule.Class] = pending.Count } : null, failure);
                    Metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, status is null ? "connection_failed" : $"http_{status}").Inc();
                    LogRequestFailure(pending.Count, status, failure, rule);
                    await Task.Delay(_backoff.Delay(requestAttempt++), Time, ct).ConfigureAwait(false);
                    continue;
                }

                if (!_healthy)
                {
                    Logger.LogInformation("Elasticsearch sink: bulk requests succeed again");
                }

                _healthy = true;
                requestAttempt = 0;
                var retry = HandleItems(acknowledger, pending, response, out var heldNow, out var heldExample);
                ReturnItems(response);
                Hold(ref held, heldNow, heldExample);
                if (retry.Count > 0)
                {
                    var heldCount = heldNow?.Values.Sum() ?? 0;
                    if (retry.Count > heldCount)
                    {
                        Metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "item_rejected_transient").Inc(retry.Count - heldCount);
                    }

                    if (heldCount > 0)
                    {
                        Metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "item_held").Inc(heldCount);
                    }

                    await Task.Delay(_backoff.Delay(itemAttempt++), Time, ct).ConfigureAwait(false);
                }

                pending = retry;
            }
        }
        finally
        {
            // Settled, or the sink is disposed: this batch holds nothing any more.
            _held.Replace(ref held, null);
        }
    }

    /// <summary>A request refused as a whole because of one document (413, a body Elasticsearch cannot parse): halves
    /// until the request fits or the document that breaks it is alone, then rejects that one.</summary>
    private async Task IsolateAsync(IRecordAcknowledger acknowledger, List<PipelineRecord> pending, bool tooLarge, (string Type, string Reason) failure, CancellationToken ct)
    {
        if (pending.Count == 1)
        {
            var (type, reason) = tooLarge
                ? ("request_entity_too_large", $"a single document of {pending[0].Document.Length} bytes exceeds the cluster's http.max_content_length")
                : failure;
            Reject(acknowledger, pending[0], type, reason);
            return;
        }

        var half = pending.Count / 2;
        Metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, tooLarge ? "request_too_large_split" : "bad_request_split").Inc();
        await IndexAsync(pending.GetRange(0, half), ct).ConfigureAwait(false);
        await IndexAsync(pending.GetRange(half, pending.Count - half), ct).ConfigureAwait(false);
    }

    /// <summary>Counts <paramref name="next"/> as this batch's held records in place of <paramref name="held"/>, and says
    /// so in the log when records start being held or none are held any more.</summary>
    private void Hold(ref Dictionary<string, int>? held, Dictionary<string, int>? next, (string Type, string Reason)? example)
    {
        if (held is null && next is null)
        {
            return;
        }

        var (before, after) = _held.Replace(ref held, next);
        if (next is not null && ShouldLog(ref _lastHoldLogTicks))
        {
            Logger.LogWarning("Elasticsearch refuses {Count} documents for a reason that is not theirs ({Classes}; e.g. {Type}: {Reason}): " +
                "holding them and retrying with backoff; the worker is unready until they are indexed",
                next.Values.Sum(), string.Join(", ", next.Keys), example?.Type ?? "", example?.Reason ?? "");
        }
        else if (before > 0 && after == 0)
        {
            Logger.LogInformation("Elasticsearch sink: no documents are held any more");
        }
    }

    private async Task<(List<BulkResponseReader.Item>? Items, int? Status, (string Type, string Reason)? Failure)> SendAsync(List<PipelineRecord> records, CancellationToken ct)
    {
        StreamResponse response;
        PooledBufferWriter? received = null;
        Interlocked.Increment(ref _requestsInFlight);
        var started = Stopwatch.GetTimestamp();
        try
        {
            Metrics.BulkBatchDocuments.Observe(records.Count);
            var body = PostData.StreamHandler(
                (Writer: _bodyWriter, Records: records),
                static (state, stream) => state.Writer.WriteTo(stream, state.Records),
                static (state, stream, token) => state.Writer.WriteToAsync(stream, state.Records, token));
            response = await _client.RequestAsync<StreamResponse>(HttpMethod.POST, _bulkPath, body, _protocol!.Bulk, ct).ConfigureAwait(false);

            // Read to the end and dispose, so the connection goes back to the pool for the next request.
            using (response)
            {
                if (response.Body is { } stream && response.ApiCallDetails.HttpStatusCode is not null)
                {
                    // Filtered (FilterPath), a successful item is {"create":{"status":201}}: 27 bytes. Errors make it
                    // grow; the buffer grows with them.
                    received = _bodyWriter.RentBuffer(64 + records.Count * 32);
                    int n;
                    while ((n = await stream.ReadAsync(received.GetMemory(64 * 1024), ct).ConfigureAwait(false)) > 0)
                    {
                        received.Advance(n);
                    }
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            received?.Dispose();
            Metrics.BulkRequestDuration.WithLabels("failed").Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return (null, null, ("connection_failed", e.Message));
        }
        finally
        {
            Interlocked.Decrement(ref _requestsInFlight);
        }

        using (received)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var details = response.ApiCallDetails;
            var status = details.HttpStatusCode;
            var bytes = received is null ? ReadOnlySpan<byte>.Empty : received.WrittenSpan;
            if (status is >= 200 and < 300)
            {
                var items = _itemLists.TryTake(out var reused) ? reused : new List<BulkResponseReader.Item>(records.Count);
                if (BulkResponseReader.TryRead(bytes, items) && items.Count == records.Count)
                {
                    var partial = items.Exists(i => i.Status is < 200 or >= 300);
                    Metrics.BulkRequestDuration.WithLabels(partial ? "partial" : "success").Observe(elapsed);
                    return (items, status, null);
                }

                Metrics.BulkRequestDuration.WithLabels("failed").Observe(elapsed);
                var count = items.Count;
                ReturnItems(items);
                return (null, status, ("invalid_response", $"the bulk response has {count} items for {records.Count} documents"));
            }

            Metrics.BulkRequestDuration.WithLabels("failed").Observe(elapsed);
            if (status is null)
            {
                return (null, null, ("connection_failed", details.OriginalException?.Message ?? "no response"));
            }

            var raw = bytes.IsEmpty && details.ResponseBodyInBytes is { Length: > 0 } buffered ? buffered : bytes;
            var text = raw.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(raw);
            var error = text.Length > 0 ? ElasticsearchBootstrapper.ParseError(text) : ($"http_{status}", details.OriginalException?.Message ?? "");
            // 400 for the whole request means the body was refused as such; 413 that it was too big. Both are
            // about this body, not the cluster's state, so the batch is split rather than retried as it is.
            return (null, status, error);
        }
    }

    private void ReturnItems(List<BulkResponseReader.Item> items)
    {
        items.Clear();
        if (_itemLists.Count <= _options.Bulk.MaxConcurrentRequests)
        {
            _itemLists.Add(items);
        }
    }

    /// <summary>Acknowledges, rejects or collects for retry each item (<see cref="BulkErrorRules.ForItem"/>); returns the
    /// records to retry, with how many of them are held by error class and an example of the errors.</summary>
    private List<PipelineRecord> HandleItems(IRecordAcknowledger acknowledger, List<PipelineRecord> records, List<BulkResponseReader.Item> items,
        out Dictionary<string, int>? held, out (string Type, string Reason)? heldExample)
    {
        var retry = new List<PipelineRecord>();
        held = null;
        heldExample = null;
        long created = 0, duplicates = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var item = items[i];
            var record = records[i];
            var status = item.Status;
            if (status is >= 200 and < 300)
            {
                if (status == 201)
                {
                    created++;
                }
                else
                {
                    duplicates++;
                }

                Settle(acknowledger, record, null, null);
                continue;
            }

            var rule = BulkErrorRules.ForItem(status, item.ErrorType, item.ErrorReason, _create);
            switch (rule.Action)
            {
                case BulkErrorAction.Acknowledge:
                    duplicates++;
                    Settle(acknowledger, record, null, null);
                    break;
                case BulkErrorAction.Retry:
                    retry.Add(record);
                    break;
                case BulkErrorAction.Hold:
                    retry.Add(record);
                    held ??= [];
                    held[rule.Class] = held.GetValueOrDefault(rule.Class) + 1;
                    heldExample ??= (item.ErrorType ?? $"http_{status}", item.ErrorReason ?? "");
                    break;
                default:
                    var reason = item.ErrorReason ?? $"HTTP {status}";
                    if (item.CausedByReason is { } cause)
                    {
                        reason += "; caused by: " + cause;
                    }

                    Reject(acknowledger, record, item.ErrorType ?? $"http_{status}", reason);
                    break;
            }
        }

        if (created > 0)
        {
            Metrics.BulkItems.WithLabels("created").Inc(created);
        }

        if (duplicates > 0)
        {
            Metrics.BulkItems.WithLabels("duplicate").Inc(duplicates);
        }

        if (retry.Count > 0)
        {
            Metrics.BulkItems.WithLabels("retried").Inc(retry.Count);
        }

        if (created + duplicates > 0)
        {
            Metrics.RecordsIndexed.WithLabels(SinkLabel).Inc(created + duplicates);
        }

        return retry;
    }

    private void Reject(IRecordAcknowledger acknowledger, PipelineRecord record, string type, string reason)
    {
        Metrics.BulkItems.WithLabels("rejected").Inc();
        Metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, type).Inc();
        Logger.LogDebug("Elasticsearch rejected {Origin}: {Type}: {Reason}", record.Origin, type, reason);
        Settle(acknowledger, record, type, reason);
    }

    /// <summary>Reports one record's fate: acknowledged when <paramref name="rejectType"/> is null, else rejected.</summary>
    private void Settle(IRecordAcknowledger acknowledger, PipelineRecord record, string? rejectType, string? rejectReason)
    {
        try
        {
            if (rejectType is null)
            {
                acknowledger.Acknowledge(record);
            }
            else
            {
                acknowledger.Reject(record, rejectType, rejectReason ?? "");
            }
        }
        catch (Exception e)
        {
            // The acknowledger belongs to the source; its failure must not stop the rest of the batch from
            // being reported, and must not go unnoticed either.
            Metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "acknowledger_failed").Inc();
            Logger.LogError(e, "Elasticsearch sink: reporting a record's result to the source failed");
        }
    }

    private void LogRequestFailure(int count, int? status, (string Type, string Reason)? failure, BulkErrorRule rule)
    {
        // One line per 10 s is enough while a cluster is down; metrics carry the exact count.
        if (!ShouldLog(ref _lastFailureLogTicks))
        {
            return;
        }

        Logger.LogWarning("Elasticsearch bulk request of {Count} documents failed ({Status}: {Type}: {Reason}; {Class}); retrying with backoff",
            count, status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no response",
            failure?.Type ?? "unknown", failure?.Reason ?? "", rule.Class);
    }

    /// <summary>True at most once per 10 s for the same <paramref name="lastLogTicks"/>.</summary>
    private bool ShouldLog(ref long lastLogTicks)
    {
        var now = Time.GetTimestamp();
        var last = Interlocked.Read(ref lastLogTicks);
        if (last != 0 && Time.GetElapsedTime(last, now) < TimeSpan.FromSeconds(10))
        {
            return false;
        }

        Interlocked.Exchange(ref lastLogTicks, now);
        return true;
    }

    private static BatchLimits Limits(ElasticsearchSinkOptions options)
    {
        // Validated where the options were bound (ElasticsearchSinkOptionsValidator), not again here.
        ArgumentNullException.ThrowIfNull(options);
        var bulk = options.Bulk;
        return new BatchLimits(bulk.MaxDocuments, bulk.MaxBytes, BulkBodyWriter.OverheadEstimate, bulk.FlushInterval,
            bulk.IdleFlushDelay, bulk.MaxBufferedDocuments, bulk.MaxConcurrentRequests);
    }
}
