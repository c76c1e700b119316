namespace LogPipeline.Demo.Generator;

/// <summary>A trace the generator is writing records for, and how many more of its records are to come.</summary>
internal sealed class GeneratedTrace(string id, int remaining)
{
    public string Id { get; } = id;

    public int Remaining { get; set; } = remaining;
}
