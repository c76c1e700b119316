namespace Enrichers.Json;

/// <summary>The JSON type of a <see cref="LogNode"/>.</summary>
public enum LogNodeKind : byte
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}
