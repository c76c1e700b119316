using Enrichers.Errors;
using Enrichers.Geo;
using Enrichers.Masking;
using Enrichers.Normalization;
using Enrichers.Rules;
using Enrichers.Tracing;

namespace Enrichers;

/// <summary>Configuration of the enrichment chain (section <c>Enrichment</c>).</summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "Enrichment";

    /// <summary>Largest raw message value accepted, in bytes. Default 1 MiB; larger values are
    /// dead-lettered as <c>too_large</c>.</summary>
    public int MaxRecordBytes { get; set; } = Json.LogRecordParser.DefaultMaxBytes;

    /// <summary>Deepest nesting of objects and arrays accepted. Default 64.</summary>
    public int MaxDepth { get; set; } = Json.LogRecordParser.DefaultMaxDepth;

    /// <summary>Adds <c>kafka.topic</c>, <c>kafka.partition</c> and <c>kafka.offset</c> (the message a document came
    /// from) to every document the worker writes, replacing a producer's own <c>kafka</c> field. Default false: the
    /// document <c>_id</c> (<c>topic:partition:offset</c>) names the message already.</summary>
    public bool KafkaFields { get; set; }

    /// <summary>The normalization stage, which runs before the enrichers (see docs/normalization.md).</summary>
    public NormalizationOptions Normalization { get; set; } = new();

    public TraceLinkingOptions Trace { get; set; } = new();

    public GeoIpOptions GeoIp { get; set; } = new();

    public ErrorCategoryOptions ErrorCategories { get; set; } = new();

    public MaskingOptions Masking { get; set; } = new();

    /// <summary>Files whose rules are laid over <see cref="Masking"/>, <see cref="ErrorCategories"/> and
    /// <see cref="Normalization"/> and reloaded when they change. Default: none.</summary>
    public RuleFileOptions RuleFiles { get; set; } = new();

    /// <summary>Every problem with the options, each naming the key, the value and what is allowed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxRecordBytes is < 64 or > 64 * 1024 * 1024)
        {
            errors.Add($"{SectionName}:MaxRecordBytes is {MaxRecordBytes}; allowed: 64 to 67108864 bytes.");
        }

        if (MaxDepth is < 2 or > 1000)
        {
            errors.Add($"{SectionName}:MaxDepth is {MaxDepth}; allowed: 2 to 1000.");
        }

        errors.AddRange(Normalization.Validate($"{SectionName}:Normalization"));
        errors.AddRange(Trace.Validate($"{SectionName}:Trace"));
        errors.AddRange(GeoIp.Validate(GeoIpOptions.SectionName));
        errors.AddRange(ErrorCategories.Validate($"{SectionName}:ErrorCategories"));
        errors.AddRange(Masking.Validate($"{SectionName}:Masking"));
        errors.AddRange(RuleFiles.Validate(RuleFileOptions.SectionName));
        if (errors.Count == 0)
        {
            // The files are laid over the sections: checked once the sections themselves are known to be good, so a
            // section's problem is not reported again for each file.
            errors.AddRange(RuleSets.Validate(this));
        }

        return errors;
    }
}
