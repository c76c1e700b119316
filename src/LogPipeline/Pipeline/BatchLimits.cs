namespace LogPipeline.Pipeline;

/// <summary>When a <see cref="BatchingSink"/> closes a batch, how much it buffers, and how many batches it exports
/// at once. Each sink builds one from its own options (<c>Elasticsearch:Bulk</c>, <c>Sink:File</c>), which document
/// and validate the values.</summary>
/// <param name="MaxDocuments">A batch closes when it holds this many records.</param>
/// <param name="MaxBytes">A batch closes when its records' bytes (document plus <paramref name="RecordOverheadBytes"/>
/// each) reach this.</param>
/// <param name="RecordOverheadBytes">Bytes counted per record on top of its document (the bulk action line).</param>
/// <param name="FlushInterval">A batch closes at the latest this long after its first record arrived.</param>
/// <param name="IdleFlushDelay">A batch no record has joined for this long closes while an export slot is free;
/// zero turns it off.</param>
/// <param name="BufferCapacity">Records buffered before <see cref="IRecordSink.WriteAsync"/> waits.</param>
/// <param name="MaxConcurrentExports">Batches exported at once.</param>
internal readonly record struct BatchLimits(
    int MaxDocuments,
    long MaxBytes,
    int RecordOverheadBytes,
    TimeSpan FlushInterval,
    TimeSpan IdleFlushDelay,
    int BufferCapacity,
    int MaxConcurrentExports)
{
    /// <summary>The sinks' rule for <c>IdleFlushDelay</c>: 0 (off), or 1 ms up to the sink's <c>FlushInterval</c>.</summary>
    public static bool IsAllowedIdleFlushDelay(TimeSpan delay, TimeSpan flushInterval) =>
        delay == TimeSpan.Zero || (delay >= TimeSpan.FromMilliseconds(1) && delay <= flushInterval);
}
