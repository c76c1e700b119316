namespace LogPipeline.FileSink;

/// <summary>The file sink (configuration section <c>Sink:File</c>): Elasticsearch <c>_bulk</c> NDJSON files, one
/// series per target index, replayable with <c>curl</c>.</summary>
internal sealed class FileSinkOptions
{
    /// <summary>Directory the files are written to; created when missing. Default <c>./output</c>.</summary>
    public string Directory { get; set; } = "./output";

    /// <summary>A batch is written (and fsynced) when it holds this many records. Default 5,000; 1–1,000,000.</summary>
    public int MaxDocuments { get; set; } = 5000;

    /// <summary>A batch is written when its documents reach this many bytes. Default 5 MiB (5,242,880);
    /// 1 KiB–1 GiB.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>A non-empty batch is written at the latest after this long. Default 1 s; 1 ms–1 min.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A non-empty batch no record has joined for this long is written now, so the end of a burst does
    /// not wait out <see cref="FlushInterval"/> (as <c>Elasticsearch:Bulk:IdleFlushDelay</c>). Default 50 ms;
    /// 0 turns it off; otherwise 1 ms up to <see cref="FlushInterval"/>.</summary>
    public TimeSpan IdleFlushDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A file is closed and the next one started once it exceeds this size, so each file stays a size
    /// one <c>_bulk</c> request accepts (Elasticsearch's default <c>http.max_content_length</c> is 100 MB).
    /// Default 50 MiB (52,428,800); 1 MiB–10 GiB.</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Records the sink buffers before <c>WriteAsync</c> waits (backpressure). Default 20,000;
    /// 1–10,000,000.</summary>
    public int BufferCapacity { get; set; } = 20_000;

    /// <summary>fsync each written batch before acknowledging it (true, default): an acknowledged record survives
    /// a power loss. False only flushes to the operating system (faster; survives a process crash only).</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>Index name used in the action lines and file names. <c>{namespace}</c> is replaced by
    /// <c>Elasticsearch:Namespace</c>. Default <c>smm-logs-{namespace}</c> (the data stream the Elasticsearch sink
    /// writes to).</summary>
    public string Index { get; set; } = "smm-logs-{namespace}";
}
