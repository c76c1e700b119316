namespace Enrichers.Normalization;

/// <summary>What a <see cref="FieldRule"/> does with the field it read.</summary>
public enum SourceConsumption
{
    /// <summary>Removed whenever it is recognized, also when the target already had a value: the source is a
    /// duplicate of the canonical field (and ECS's <c>log.level</c>, <c>service.name</c>, <c>trace.id</c>,
    /// <c>span.id</c> are aliases in the mapping, which Elasticsearch refuses to be written).</summary>
    Always,

    /// <summary>Removed only when its value was written to the target; kept when the target already had one
    /// (Docker's <c>time</c> beside the application's own time).</summary>
    WhenUsed,

    /// <summary>Never removed: a fallback read from metadata that stays useful as it is (Kubernetes labels).</summary>
    Never,
}
