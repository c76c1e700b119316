namespace Enrichers.Normalization;

/// <summary>Reads the type and message out of an exception written as text: .NET's <c>ToString()</c>
/// (<c>System.UnauthorizedAccessException: Access denied\n   at …</c>), Java's (<c>java.net.SocketTimeoutException:
/// Read timed out\n\tat …</c>) and Python's traceback (the last line, <c>ValueError: bad input</c>).</summary>
internal static class ExceptionText
{
    private const string PythonTraceback = "Traceback (most recent call last):";

    /// <summary>The type (null when the text names none) and the message of <paramref name="text"/>.</summary>
    public static (string? Type, string Message) Parse(string text)
    {
        var span = text.AsSpan().Trim();
        ReadOnlySpan<char> line;
        if (span.StartsWith(PythonTraceback, StringComparison.Ordinal))
        {
            // Python prints the exception after the frames.
            var last = span.TrimEnd().LastIndexOfAny('\n', '\r');
            line = last < 0 ? span : span[(last + 1)..];
        }
        else
        {
            var end = span.IndexOfAny('\n', '\r');
            line = end < 0 ? span : span[..end];
        }

        line = line.Trim();
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        var head = colon < 0 ? line : line[..colon];

        // .NET appends the HRESULT to some types: "Npgsql.PostgresException (0x80004005): 23505: …".
        var hresult = head.IndexOf(" (0x", StringComparison.Ordinal);
        if (hresult > 0 && head.EndsWith(")", StringComparison.Ordinal))
        {
            head = head[..hresult];
        }

        if (!IsTypeName(head))
        {
            return (null, line.ToString());
        }

        var message = colon < 0 ? ReadOnlySpan<char>.Empty : line[(colon + 2)..].Trim();
        return (head.ToString(), message.ToString());
    }

    /// <summary>A type name: no spaces, and only the characters of qualified type names in .NET, Java, Python and Go.</summary>
    private static bool IsTypeName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 256 || !(char.IsLetter(name[0]) || name[0] is '_' or '*'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '.' or '_' or '$' or '+' or '`' or '*' or '<' or '>' or '[' or ']' or ','))
            {
                return false;
            }
        }

        return true;
    }
}
