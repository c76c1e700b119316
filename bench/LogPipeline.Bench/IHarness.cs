namespace LogPipeline.Bench;

/// <summary>A throughput harness: a program that measures one path end to end and prints a report.
/// Harnesses are found by reflection, so adding one is adding a file.</summary>
public interface IHarness
{
    /// <summary>The name given on the command line (e.g. <c>enrich</c>).</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    Task<int> RunAsync(string[] args);
}
