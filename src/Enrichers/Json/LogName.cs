using System.Text;

namespace Enrichers.Json;

/// <summary>A member name an enricher writes, held as its string and as its UTF-8 bytes, both made once (static
/// fields, from the <see cref="FieldNames"/> constants). A property named by it reads and writes like a name parsed
/// from the input without escapes (<see cref="LogProperty.TryGetRawName"/>, byte comparisons, one copy when
/// written), where a name given as a string was converted to bytes at every record: once by masking's names cache,
/// once more when the record was written. Only ASCII names that JSON writes without escapes are accepted, so the
/// bytes are exactly what <see cref="JsonOutput.WriteString"/> would write for the string.</summary>
internal sealed class LogName
{
    /// <exception cref="ArgumentException"><paramref name="name"/> is not ASCII, or holds a character JSON escapes.</exception>
    public LogName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Ascii.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not ASCII: only names written without escapes are held as bytes.", nameof(name));
        }

        var utf8 = Encoding.ASCII.GetBytes(name);
        if (utf8.AsSpan().IndexOfAny(JsonOutput.MustEscapeUtf8) >= 0)
        {
            throw new ArgumentException($"'{name}' holds a character JSON escapes: only names written without escapes are held as bytes.", nameof(name));
        }

        Value = name;
        Utf8 = utf8;
        First = name.Length > 0 ? name[0] : -1;
    }

    /// <summary>The name as a string (what <see cref="LogProperty.Name"/> gives).</summary>
    public string Value { get; }

    /// <summary>The name's bytes: ASCII, nothing to escape. Never changed.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The first byte (-1: the name is empty), kept so that naming a property needs no span of the bytes.</summary>
    public int First { get; }

    /// <summary>The <paramref name="index"/>-th segment of a dotted path (<c>client.geo.city_name</c>, 1: <c>geo</c>), so
    /// the names of nested objects come from the same constants as the paths.</summary>
    public static LogName Segment(string path, int index)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new LogName(path.Split('.')[index]);
    }

    /// <summary>The last segment of a dotted path (<c>client.geo.city_name</c>: <c>city_name</c>).</summary>
    public static LogName Leaf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new LogName(path[(path.LastIndexOf('.') + 1)..]);
    }

    public override string ToString() => Value;
}
