namespace LogPipeline.Hosting;

/// <summary>Runtime settings the container image sets as environment variables (the Dockerfile's <c>ENV</c>)
/// because the .NET runtime, or glibc's allocator that librdkafka uses, reads them only from the environment, not
/// from <c>logpipeline.runtimeconfig.json</c> (which carries the others: workstation GC, no background GC, the
/// gen0 budget). The end-to-end harness starts
/// the worker with them, so it measures the worker as shipped; a test checks that the Dockerfile sets them.
/// Outside the image, set them in the environment for the same memory profile.</summary>
public static class ImageRuntimeSettings
{
    /// <summary>Name → value, in the format of whoever reads it (the .NET runtime takes hex sizes, glibc decimal).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Records in flight outlive a gen0 collection or two, so they die in gen1, and gen1's budget otherwise grows
        // with the heap: between gen1 collections the dead records piled up and RSS climbed 60-70 MB within a run
        // until a gen1 or gen2 collection brought it back. Capped at 16 MiB: RSS flat (median 217-219 vs 229-255 MiB,
        // max 223-232 vs 243-288 MiB over the warm half; 3 alternating runs each, 1.2M records in 96 partitions),
        // 21-22 instead of 4-11 gen1 collections per run, throughput the same within the machine's noise.
        ["DOTNET_GCGen1MaxBudget"] = "0x1000000",

        // glibc raises its mmap threshold to the size of each large block freed (up to 32 MiB), so librdkafka's
        // fetch and decompression buffers (~2 MiB each) soon come from the heap arenas of its broker threads and
        // are never given back: in a worker at full rate glibc held 45 MB, 21 MB of it free (malloc_info). Fixed
        // at its initial 128 KiB, large blocks are mapped and unmapped: RSS median over the warm half 183-194
        // (mean 188) vs 195-204 (mean 199) MiB, 4 alternating runs each, CPU per record the same within the noise.
        ["MALLOC_MMAP_THRESHOLD_"] = "131072",
    };
}
