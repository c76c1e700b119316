using Enrichers.Json;

namespace Enrichers.Tracing;

/// <summary>A service name that trace linking writes to <c>trace_root_service</c>. A record's own unescaped string is
/// kept as its UTF-8 bytes and written as they are (as the trace ID is): no string is made, and the later steps
/// read it as they read the record's own strings. Escaped input, or a value an earlier step set, is kept as text.
/// Immutable: a session shares one per distinct name among its traces.</summary>
internal sealed class RootService
{
    private readonly byte[]? _utf8;
    private readonly string? _text;

    /// <param name="utf8">UTF-8 that needs no JSON escaping (a record's unescaped string).</param>
    public RootService(byte[] utf8) => _utf8 = utf8;

    public RootService(string text) => _text = text;

    /// <summary>True when this is the unescaped UTF-8 name <paramref name="utf8"/>.</summary>
    public bool Is(ReadOnlySpan<byte> utf8) => _utf8 is not null && utf8.SequenceEqual(_utf8);

    /// <summary>The name as a string node of <paramref name="record"/>. The UTF-8 form is not copied into the record's
    /// arena (as a value an enricher makes is): it never changes, so the node reads it where it is, as a parsed node reads
    /// the input.</summary>
    public LogString ToNode(LogRecord record)
    {
        if (_utf8 is null)
        {
            return record.NewString(_text!);
        }

        return record.Pool is { } pool ? pool.String(_utf8, hasEscapes: false) : LogString.FromRaw(_utf8, hasEscapes: false);
    }
}
