namespace Enrichers.Json;

/// <summary>A JSON value of a log record. Values parsed from the input keep their exact input bytes, so
/// whatever no enricher touches is written back byte for byte (number text, string escapes).</summary>
public abstract class LogNode
{
    private protected LogNode()
    {
    }

    public abstract LogNodeKind Kind { get; }

    /// <summary>The value as a string when it is a JSON string, otherwise null.</summary>
    public string? AsString() => this is LogString s ? s.Value : null;

    /// <summary>The value as an object when it is one, otherwise null.</summary>
    public LogObject? AsObject() => this as LogObject;

    /// <summary>The value as an array when it is one, otherwise null.</summary>
    public LogArray? AsArray() => this as LogArray;

    /// <summary>True for null, empty strings, empty objects and empty arrays: values that carry nothing.</summary>
    public bool IsEmpty => this switch
    {
        LogString s => s.IsEmptyString,
        LogObject o => o.Count == 0,
        LogArray a => a.Count == 0,
        LogLiteral l => l.Kind == LogNodeKind.Null,
        _ => false,
    };

    /// <summary>Writes the value as compact JSON.</summary>
    internal abstract void WriteTo(ref JsonOutput output);
}
