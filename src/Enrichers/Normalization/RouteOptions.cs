namespace Enrichers.Normalization;

/// <summary>Routing of records to data stream namespaces (section <c>Enrichment:Normalization:Route</c>): the value of
/// <see cref="Field"/>, lowercased, names the namespace of <c>smm-logs-&lt;namespace&gt;</c> when it is one of
/// <see cref="Namespaces"/>; any other value, or none, leaves the record in the sink's configured namespace. The
/// set is bounded so that a producer cannot create data streams at will.</summary>
public sealed class RouteOptions
{
    /// <summary>Most namespaces a route may allow: each is a data stream with its own backing indices.</summary>
    public const int MaxNamespaces = 32;

    /// <summary>The field whose value chooses the namespace (dotted path), e.g. <c>kubernetes.namespace_name</c>.
    /// Default null: no routing.</summary>
    public string? Field { get; set; }

    /// <summary>The namespaces a record may be routed to (1 to 32; lowercase letters, digits, <c>_</c>, <c>.</c>,
    /// <c>-</c>, starting with a letter or digit, as the sink's <c>Namespace</c>).</summary>
    public List<string> Namespaces { get; set; } = [];
}
