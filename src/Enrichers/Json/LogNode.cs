namespace Enrichers.Json;

/// <summary>A JSON value of a log record. Values parsed from the input keep their exact input bytes, so
/// whatever no enricher touches is written back byte for byte (number text, string escapes).</summary>
public abstract class LogNode
{
    private protected LogNode()
    {
    }

    public abstract LogNodeKind Kind { get; }

    /// <summary>True once the value was changed in place after it was made from the input (a string set or rebuilt by
    /// an enricher); only strings change in place. The writer then no longer writes the member the input held for it
    /// as its input bytes (see <see cref="LogProperty.TryGetIntactMember"/>): one flag read instead of comparing the
    /// value's bytes with the member's for every member of every record.</summary>
    internal bool ChangedSinceParse { get; private protected set; }

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
