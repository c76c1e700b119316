namespace LogPipeline.Hosting;

/// <summary>Runtime settings the container image sets as environment variables (the Dockerfile's <c>ENV</c>)
/// because the .NET runtime, or glibc's allocator that librdkafka uses, reads them only from the environment, not
/// from <c>logpipeline.runtimeconfig.json</c> (which carries the others: workstation GC, no background GC, the
/// gen0 budget). The end-to-end harness starts
/// the worker with them, so it measures the worker as shipped; a test checks that the Dockerfile sets them.
/// Outside the image, set them in the environment for the same memory profile.</summary>
internal static class ImageRuntimeSettings
{
    /// <summary>Name → value, in the format of whoever reads it (the .NET runtime takes hex sizes, glibc decimal).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Records in flight outlive a gen0 collection or two, so they die in gen1, and gen1's budget otherwise grows
        // with the heap: between gen1 collections the dead records piled up and RSS climbed within a run until a
        // gen1 or gen2 collection brought it back. Capped at 16 MiB, RSS stays flat at the same throughput, for more
        // (short) gen1 collections. Figures: docs/worker.md (figures behind the code's comments).
        ["DOTNET_GCGen1MaxBudget"] = "0x1000000",

        // glibc raises its mmap threshold to the size of each large block freed, so librdkafka's fetch and
        // decompression buffers soon come from the heap arenas of its broker threads and are never given back (most
        // of what glibc held at full rate was free). Fixed at its initial 128 KiB, large blocks are mapped and
        // unmapped: lower RSS, the same CPU per record. Figures: docs/worker.md (figures behind the code's comments).
        ["MALLOC_MMAP_THRESHOLD_"] = "131072",
    };
}
