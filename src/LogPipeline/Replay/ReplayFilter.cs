namespace LogPipeline.Replay;

/// <summary>Which dead letters a replay takes. Every condition given must hold; an empty set or a null bound
/// means "any".</summary>
internal sealed record ReplayFilter
{
    /// <summary>Dead-lettered at or after (the dead-letter record's Kafka timestamp).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Dead-lettered before.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Reason codes (<c>logpipeline.reason.code</c>), e.g. <c>mapper_parsing_exception</c>.</summary>
    public IReadOnlySet<string> Reasons { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Origin topics (<c>logpipeline.origin.topic</c>).</summary>
    public IReadOnlySet<string> OriginTopics { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Origin partitions (<c>logpipeline.origin.partition</c>).</summary>
    public IReadOnlySet<int> OriginPartitions { get; init; } = new HashSet<int>();

    public bool Matches(DeadLetter letter)
    {
        if (Since is { } since && letter.DeadLetteredAt < since)
        {
            return false;
        }

        if (Until is { } until && letter.DeadLetteredAt >= until)
        {
            return false;
        }

        if (Reasons.Count > 0 && !Reasons.Contains(letter.ReasonCode))
        {
            return false;
        }

        // A dead letter whose origin is unknown cannot match an origin condition.
        if (OriginTopics.Count > 0 && (letter.Origin is not { } o1 || !OriginTopics.Contains(o1.Topic)))
        {
            return false;
        }

        return OriginPartitions.Count == 0 || (letter.Origin is { } o2 && OriginPartitions.Contains(o2.Partition));
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Since is { } since)
        {
            parts.Add($"since {since.UtcDateTime:O}");
        }

        if (Until is { } until)
        {
            parts.Add($"until {until.UtcDateTime:O}");
        }

        if (Reasons.Count > 0)
        {
            parts.Add("reason " + string.Join('|', Reasons.Order(StringComparer.Ordinal)));
        }

        if (OriginTopics.Count > 0)
        {
            parts.Add("origin topic " + string.Join('|', OriginTopics.Order(StringComparer.Ordinal)));
        }

        if (OriginPartitions.Count > 0)
        {
            parts.Add("origin partition " + string.Join('|', OriginPartitions.Order()));
        }

        return parts.Count == 0 ? "every dead letter" : string.Join(", ", parts);
    }
}
