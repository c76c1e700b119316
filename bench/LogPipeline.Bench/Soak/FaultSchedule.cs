namespace LogPipeline.Bench.Soak;

/// <summary>The seeded order of faults: rounds in which every fault occurs once, each round shuffled, so a short run
/// still sees every kind and the same seed gives the same schedule.</summary>
internal sealed class FaultSchedule(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Queue<SoakFault> _round = new();

    public SoakFault Next()
    {
        if (_round.Count == 0)
        {
            var kinds = Enum.GetValues<SoakFault>();
            _random.Shuffle(kinds);
            foreach (var kind in kinds)
            {
                _round.Enqueue(kind);
            }
        }

        return _round.Dequeue();
    }

    /// <summary>A length between <paramref name="range"/>'s bounds.</summary>
    public TimeSpan Between((TimeSpan Min, TimeSpan Max) range) =>
        range.Min + (range.Max - range.Min) * _random.NextDouble();

    public int Between(int min, int max) => _random.Next(min, max + 1);
}
