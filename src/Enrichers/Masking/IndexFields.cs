using System.Net;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>The fields the index needs as they are: those the index template maps as <c>date</c> or <c>ip</c>, and
/// the <c>keyword</c> identifiers, levels and names that dashboards, trace linking and routing read
/// (<c>@timestamp</c>, <c>trace_id</c>, <c>span_id</c>, <c>level</c>, <c>service_name</c>, …). When masking fails on a
/// value it replaces that value with a marker (fail closed); a value of one of these fields that has the plain shape
/// of its type is kept instead, because a marker would make the document refuse its mapping (<c>date</c>,
/// <c>ip</c>) or break what reads it, and such a value holds no free text to leak. One that does not fit its shape
/// still becomes a marker.</summary>
internal static class IndexFields
{
    /// <summary>Top-level fields and their shapes.</summary>
    public static readonly IReadOnlyList<(string Name, IndexFieldShape Shape)> TopLevel =
    [
        (FieldNames.Timestamp, IndexFieldShape.Date),
        (FieldNames.TraceId, IndexFieldShape.Keyword),
        (FieldNames.SpanId, IndexFieldShape.Keyword),
        (FieldNames.Level, IndexFieldShape.Keyword),
        (FieldNames.ServiceName, IndexFieldShape.Keyword),
        (FieldNames.TraceRootService, IndexFieldShape.Keyword),
        (FieldNames.ErrorCategory, IndexFieldShape.Keyword),
        (FieldNames.WorkspaceId, IndexFieldShape.Keyword),
        (FieldNames.TenantId, IndexFieldShape.Keyword),
        (FieldNames.ModelId, IndexFieldShape.Keyword),
        (FieldNames.AgentType, IndexFieldShape.Keyword),
        (FieldNames.DeploymentId, IndexFieldShape.Keyword),
        (FieldNames.WorkflowId, IndexFieldShape.Keyword),
        (FieldNames.McpProtocolVersion, IndexFieldShape.Keyword),
        (FieldNames.ClientIp, IndexFieldShape.Ip),
        (FieldNames.ClientIpHash, IndexFieldShape.Keyword),
    ];

    /// <summary>The shape of <paramref name="property"/>, a property of the record's root (<paramref name="owner"/>
    /// null) or of one of its objects (<paramref name="owner"/> the root property holding it), in the record itself
    /// (not in JSON nested in a string).</summary>
    public static IndexFieldShape ShapeOf(LogProperty? owner, LogProperty property)
    {
        foreach (var (name, shape) in TopLevel)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var matches = owner is null
                ? property.NameEquals(name)
                : dot > 0 && owner.NameEquals(name.AsSpan(0, dot)) && property.NameEquals(name.AsSpan(dot + 1));
            if (matches)
            {
                return shape;
            }
        }

        return IndexFieldShape.None;
    }

    /// <summary>True when <paramref name="value"/> has the plain shape of <paramref name="shape"/>: an ISO date or time,
    /// an IP address, or a keyword of ASCII letters, digits and <c>. _ : / + -</c> (no spaces, no <c>@</c>).</summary>
    public static bool Fits(IndexFieldShape shape, string value) => shape switch
    {
        IndexFieldShape.Date => value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiDigit(c) || c is '-' or ':' or '.' or 'T' or 'Z' or '+' or ' ' or ','),
        IndexFieldShape.Ip => IPAddress.TryParse(value, out _),
        IndexFieldShape.Keyword => value.Length is > 0 and <= 256 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '/' or '+' or '-'),
        _ => false,
    };
}
