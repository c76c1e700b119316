namespace Enrichers.Normalization;

/// <summary>One mapping from a producer's field onto a canonical field: where the value is read
/// (<see cref="From"/>, a dotted path matched nested or as a dotted key), where it is written
/// (<see cref="To"/>, only when that field has no value yet, except that a rule whose source is its target
/// converts the value in place) and how it is converted. Rules run in list order, so an earlier rule's source is
/// preferred for the same target.</summary>
public sealed class FieldRule
{
    public FieldRule()
    {
    }

    public FieldRule(string shape, string from, string to, FieldConversion conversion = FieldConversion.Copy,
        SourceConsumption consume = SourceConsumption.Always)
    {
        Shape = shape;
        From = from;
        To = to;
        As = conversion;
        Consume = consume;
    }

    /// <summary>The producer format the rule belongs to (<c>ecs</c>, <c>clef</c>, <c>otel</c>, <c>docker</c>,
    /// <c>kubernetes</c>, …): records are counted by the shapes whose rules applied. Empty: not counted.</summary>
    public string Shape { get; set; } = string.Empty;

    /// <summary>The path read, e.g. <c>log.level</c> (nested <c>{"log":{"level":…}}</c> or the key <c>"log.level"</c>).</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>The canonical field written, e.g. <c>level</c>.</summary>
    public string To { get; set; } = string.Empty;

    /// <summary>How the value is converted. Default <see cref="FieldConversion.Copy"/>.</summary>
    public FieldConversion As { get; set; }

    /// <summary>What happens to the source field. Default <see cref="SourceConsumption.Always"/>.</summary>
    public SourceConsumption Consume { get; set; }
}
