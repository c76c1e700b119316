namespace Enrichers.Normalization;

/// <summary>A field the index maps as an object (<c>log</c>, <c>client</c>, <c>error</c>…): Elasticsearch refuses a
/// document where it holds a string, number or boolean, so such a value is moved to <see cref="ScalarTo"/>.</summary>
public sealed class ObjectFieldRule
{
    public ObjectFieldRule()
    {
    }

    public ObjectFieldRule(string field, string scalarTo)
    {
        Field = field;
        ScalarTo = scalarTo;
    }

    /// <summary>The object field (dotted path), e.g. <c>client.geo</c>.</summary>
    public string Field { get; set; } = string.Empty;

    /// <summary>Where a scalar found there goes, e.g. <c>client_text</c>; it replaces a value already there.</summary>
    public string ScalarTo { get; set; } = string.Empty;
}
