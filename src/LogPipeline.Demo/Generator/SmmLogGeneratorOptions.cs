namespace LogPipeline.Demo.Generator;

/// <summary>Options of <see cref="SmmLogGenerator"/>.</summary>
public sealed class SmmLogGeneratorOptions
{
    /// <summary>Seed of the random sequence: the same seed and options give the same lines. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Time of the first record. Default 2026-11-26T12:00:00Z.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Fraction of lines (0 to 1) that are poison: invalid JSON, not an object, invalid UTF-8,
    /// too large, too deep, blank. Default 0.</summary>
    public double PoisonRate { get; init; }

    /// <summary>Most oversized poison lines to make (each is <see cref="MaxRecordBytes"/> + 1 bytes or more);
    /// once used up, other poison kinds are drawn. Default 3.</summary>
    public int MaxOversized { get; init; } = 3;

    /// <summary>The record size limit of the chain under test, so oversized poison exceeds it. Default 1 MiB.</summary>
    public int MaxRecordBytes { get; init; } = 1024 * 1024;

    /// <summary>The nesting limit of the chain under test, so deep poison exceeds it. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Fraction of valid records that are error records. Default 0.15.</summary>
    public double ErrorRate { get; init; } = 0.15;

    /// <summary>Fraction of valid records that carry a trace ID. Default 0.85.</summary>
    public double TraceRate { get; init; } = 0.85;
}
