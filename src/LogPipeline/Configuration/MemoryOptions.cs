namespace LogPipeline.Configuration;

/// <summary>The worker's own memory housekeeping (configuration section <c>Memory</c>).</summary>
internal sealed class MemoryOptions
{
    public const string SectionName = "Memory";

    /// <summary>How often glibc is asked to give the free pages of its heaps back to the system (<c>malloc_trim</c>):
    /// librdkafka's fetch and decompression buffers come and go at full rate, and glibc keeps the pages of a freed
    /// block resident unless it was at the very top of its heap. Default 2 s; 0 turns it off. Between 100 ms and
    /// 10 min, or 0. Does nothing where the C library is not glibc (musl, macOS, Windows).</summary>
    public TimeSpan NativeHeapTrimInterval { get; set; } = TimeSpan.FromSeconds(2);
}
