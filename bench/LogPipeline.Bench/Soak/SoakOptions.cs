using System.Globalization;

namespace LogPipeline.Bench.Soak;

/// <summary>The soak harness's command line.</summary>
internal sealed record SoakOptions
{
    /// <summary>How long records are produced and faults injected. Default 4 minutes.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Seed of the fault schedule and of the generated records: same seed, same schedule.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Records produced per second, steadily. Default 1,000.</summary>
    public int Rate { get; init; } = 1000;

    /// <summary>Partitions of the raw topic. Default 24.</summary>
    public int Partitions { get; init; } = 24;

    /// <summary>Partitions of the dead-letter topic: a 403 window dead-letters every record on a main that does not
    /// retry it, and the embedded broker keeps only ~5 MiB per partition. Default 16.</summary>
    public int DeadLetterPartitions { get; init; } = 16;

    /// <summary>Quiet time between two faults, drawn from this range.</summary>
    public (TimeSpan Min, TimeSpan Max) Gap { get; init; } = (TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(25));

    /// <summary>How long a fault lasts, drawn from this range.</summary>
    public (TimeSpan Min, TimeSpan Max) FaultLength { get; init; } = (TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));

    /// <summary>After production stops: how long the worker may make no progress before the harness gives up
    /// waiting for the last records.</summary>
    public TimeSpan DrainPatience { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Another build of the worker (default: the logpipeline.dll next to the harness).</summary>
    public string? WorkerDll { get; init; }

    /// <summary>Extra <c>--Section:Key=value</c> arguments for the worker.</summary>
    public IReadOnlyList<string> WorkerArguments { get; init; } = [];

    public static SoakOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var defaults = new SoakOptions();
        return defaults with
        {
            Duration = Value("--duration") is { } d ? ParseDuration(d) : defaults.Duration,
            Seed = Value("--seed") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : defaults.Seed,
            Rate = Value("--rate") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : defaults.Rate,
            Partitions = Value("--partitions") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : defaults.Partitions,
            WorkerDll = Value("--worker-dll") is { } w ? Path.GetFullPath(w) : null,
            WorkerArguments = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal)).ToList(),
        };
    }

    /// <summary><c>90s</c>, <c>5m</c>, <c>1h</c>, or a TimeSpan (<c>00:05:00</c>).</summary>
    public static TimeSpan ParseDuration(string text)
    {
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }

        return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }
}
