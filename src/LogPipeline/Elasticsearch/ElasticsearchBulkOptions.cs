using LogPipeline.Configuration;

namespace LogPipeline.Elasticsearch;

/// <summary>Batching and retry settings of the bulk indexer (<c>Elasticsearch:Bulk</c>). A batch is sent
/// when it reaches <see cref="MaxDocuments"/> or <see cref="MaxBytes"/>, when no record has arrived for
/// <see cref="IdleFlushDelay"/> while a request slot is free, or when its oldest record has waited
/// <see cref="FlushInterval"/>, whichever comes first.</summary>
internal sealed class ElasticsearchBulkOptions
{
    /// <summary>Documents per <c>_bulk</c> request at most. Default 5000; allowed 1–100000.</summary>
    [SettingRange(1, 100_000)]
    public int MaxDocuments { get; set; } = 5000;

    /// <summary>NDJSON body bytes per <c>_bulk</c> request at most (before gzip). Default 5 MiB; allowed
    /// 1 KiB–100 MiB (Elasticsearch's own <c>http.max_content_length</c> is 100 MB).</summary>
    [SettingRange(1024, 100 * 1024 * 1024)]
    public int MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Longest time a record waits for its batch to fill. Default 1 s; allowed 1 ms–5 min.</summary>
    [SettingRange("00:00:00.001", "00:05:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a partial batch waits for its next record before it is sent, when a request slot is free
    /// (like Logstash's <c>pipeline.batch.delay</c>). At the end of a burst the last records then reach
    /// Elasticsearch within about this delay instead of <see cref="FlushInterval"/>; while records keep coming, or
    /// while every request slot is busy, batches still fill. Checked once per delay, so the wait is one to two
    /// delays. Default 50 ms; 0 turns it off; otherwise allowed 1 ms up to <see cref="FlushInterval"/>.</summary>
    public TimeSpan IdleFlushDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary><c>_bulk</c> requests in flight at once. Default 2; allowed 1–64.</summary>
    [SettingRange(1, 64)]
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Records the sink buffers before <c>WriteAsync</c> waits (backpressure). Default 20000;
    /// allowed 1–10000000; at least <see cref="MaxDocuments"/> is sensible.</summary>
    [SettingRange(1, 10_000_000)]
    public int MaxBufferedDocuments { get; set; } = 20_000;

    /// <summary>Gzip request bodies (<c>Content-Encoding: gzip</c>). Saves network at the cost of CPU.
    /// Default false.</summary>
    public bool Compression { get; set; }

    /// <summary>First retry delay for a failed request or for items answered 429/502/503/504; doubles on
    /// each attempt, with jitter. Default 200 ms; allowed 1 ms–1 min.</summary>
    [SettingRange("00:00:00.001", "00:01:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the retry delay. Retries never stop (nothing is dropped); the sink reports
    /// unhealthy while requests fail. Default 30 s; allowed from <see cref="RetryInitialDelay"/> to 10 min.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
