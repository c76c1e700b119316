using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>JSON held in a string value (a request body, a payload, a serialized event): masked as JSON, so that key
/// rules apply to its keys and patterns see its strings decoded (<c>jo\u0068n@…</c> is <c>john@…</c>), then written
/// back as valid JSON, escapes included. Scanning it as text instead found local parts cut at an escape and left
/// <c>\[email]</c>, which is no longer JSON.</summary>
internal static class InnerJson
{
    /// <summary>Longer strings are scanned as text: a record is at most 1 MiB by default, so this takes all of it.</summary>
    public const int MaxBytes = LogRecordParser.DefaultMaxBytes;

    /// <summary>True when the string's text starts with <c>{</c> or <c>[</c> and ends with <c>}</c> or <c>]</c>
    /// (whitespace, escaped or not, around it): a cheap test on the raw bytes before anything is parsed.</summary>
    /// <remarks>Inlined into the caller: most values are raw and start with neither a bracket nor a space, so they
    /// are decided on the first byte without a call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LooksLikeContainer(LogString s)
    {
        if (!s.IsRaw)
        {
            return DecodedLooksLikeContainer(s);
        }

        var raw = s.RawUtf8;
        return raw.Length >= 2 && raw[0] is (byte)'{' or (byte)'[' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\\'
            && RawLooksLikeContainer(raw);
    }

    private static bool DecodedLooksLikeContainer(LogString s)
    {
        var text = s.Value.AsSpan().Trim();
        return text.Length >= 2 && text[0] is '{' or '[' && text[^1] is '}' or ']';
    }

    private static bool RawLooksLikeContainer(ReadOnlySpan<byte> raw)
    {
        var start = 0;
        var end = raw.Length;
        while (start < end && IsSpace(raw, start, out var width))
        {
            start += width;
        }

        while (end > start && IsSpaceBefore(raw, end, out var width))
        {
            end -= width;
        }

        return end - start >= 2 && raw[start] is (byte)'{' or (byte)'[' && raw[end - 1] is (byte)'}' or (byte)']';
    }

    /// <summary>Masks JSON held in <paramref name="s"/> as JSON, by <paramref name="walk"/> one level deeper. False when
    /// the text does not parse as one object or array (the caller scans it as text); true when it was masked as JSON,
    /// whether or not anything in it changed (the value is rewritten only when something did).</summary>
    public static bool TryMask(LogString s, in MaskingScope scope, MaskingWalk walk)
    {
        var text = s.Value;
        var body = text.AsSpan().Trim();
        var lead = text.Length - text.AsSpan().TrimStart().Length;
        var byteCount = Encoding.UTF8.GetByteCount(body);
        if (byteCount > MaxBytes)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
        try
        {
            var n = Encoding.UTF8.GetBytes(body, rented);
            var node = LogRecordParser.TryParseContainer(rented.AsMemory(0, n), LogRecordParser.DefaultMaxDepth, scope.Pool);
            if (node is null)
            {
                return false;
            }

            var before = ChangeCounter.Current;
            walk.WalkContainer(node, scope with { Depth = 0, InnerLevel = scope.InnerLevel + 1 });
            if (ChangeCounter.Current != before)
            {
                // The whitespace around the JSON is kept; the JSON itself is written compact.
                s.Value = string.Concat(text.AsSpan(0, lead), Write(node), text.AsSpan(lead + body.Length));
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The text of <paramref name="node"/> as compact JSON: untouched strings and names keep their input
    /// bytes, masked ones are escaped as JSON requires.</summary>
    public static string Write(LogNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var output = new JsonOutput(buffer, 256);
        node.WriteTo(ref output);
        output.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // A space, tab or line break, raw or escaped (\n, \r, \t).
    private static bool IsSpace(ReadOnlySpan<byte> raw, int i, out int width)
    {
        width = 1;
        if (raw[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            return true;
        }

        width = 2;
        return raw[i] == (byte)'\\' && i + 1 < raw.Length && raw[i + 1] is (byte)'n' or (byte)'r' or (byte)'t';
    }

    private static bool IsSpaceBefore(ReadOnlySpan<byte> raw, int end, out int width)
    {
        width = 1;
        if (raw[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            return true;
        }

        // "\n" at the end, but not the "n" of an escaped backslash followed by n ("\\n").
        width = 2;
        return end >= 2 && raw[end - 1] is (byte)'n' or (byte)'r' or (byte)'t' && raw[end - 2] == (byte)'\\'
            && (end < 3 || raw[end - 3] != (byte)'\\');
    }
}
