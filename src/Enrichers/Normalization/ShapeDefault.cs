namespace Enrichers.Normalization;

/// <summary>A value a shape implies when the record does not say it: CLEF records without <c>@l</c> are
/// informational by the format's definition.</summary>
public sealed class ShapeDefault
{
    public ShapeDefault()
    {
    }

    public ShapeDefault(string shape, string field, string value)
    {
        Shape = shape;
        Field = field;
        Value = value;
    }

    /// <summary>Applies to records where a rule of this shape applied.</summary>
    public string Shape { get; set; } = string.Empty;

    /// <summary>The field set when it has no value.</summary>
    public string Field { get; set; } = string.Empty;

    /// <summary>The value set.</summary>
    public string Value { get; set; } = string.Empty;
}
