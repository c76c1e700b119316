using System.Runtime.CompilerServices;

namespace Enrichers.Json;

/// <summary>Parses one JSON object straight into nodes, for input that is plainly valid: strict RFC 8259 (the grammar
/// <see cref="System.Text.Json.Utf8JsonReader"/> accepts with its default options), nested no deeper than the bound.
/// It gives up (returns null) at the first thing it does not accept, without saying why: the reader-based parse then
/// decides, so a record is accepted or refused, and refused with the same reason, exactly as before. It only ever
/// accepts what that reader accepts, and builds the same nodes (the same slices of the input, the same escape flags).
/// <para>Why it exists: the reader keeps a token state machine and stops at every token to hand it over, and that
/// hand-over, not the scan, was most of the record model's cost; going from the bytes to the nodes in one pass made
/// parsing cheaper than the reader alone. The input's UTF-8 is the caller's to check, and only when a string held a
/// non-ASCII byte (see <see cref="TryParse"/>).</para></summary>
internal static class DirectJsonParser
{
    /// <summary>The root object of <paramref name="input"/>, with its nodes from <paramref name="pool"/> when given;
    /// null when the input is not plainly one valid JSON object within <paramref name="maxDepth"/> (the caller's
    /// reader-based parse then decides). Nodes taken from the pool before giving up stay unused until its reset.
    /// <paramref name="nonAscii"/>: a string of the object holds a byte of 0x80 or more. The parser accepts nothing
    /// else outside ASCII, so when it is false the input is ASCII, hence valid UTF-8, and the caller need not check.</summary>
    public static LogObject? TryParse(ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool, out bool nonAscii)
    {
        nonAscii = false;
        var span = input.Span;
        var i = SkipWhitespace(span, 0);
        if (i >= span.Length || span[i] != (byte)'{' || maxDepth < 1)
        {
            return null;
        }

        var parser = new Parser(input, maxDepth, pool);
        var (root, end) = parser.ReadObject(i, 0);
        if (root is null || SkipWhitespace(span, end) != span.Length)
        {
            return null;
        }

        nonAscii = parser.NonAscii;
        return root;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> span, int i)
    {
        while ((uint)i < (uint)span.Length && span[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>What follows an object's member or an array's item.</summary>
    private enum ItemEnd
    {
        Invalid,
        Comma,
        Closed,
    }

    /// <summary>Steps past what follows a member or item that ended at <paramref name="i"/>: a comma (then
    /// <paramref name="i"/> is at the next one) or the container's <paramref name="closer"/> (then just past it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ItemEnd AfterItem(ReadOnlySpan<byte> span, ref int i, byte closer)
    {
        i = SkipWhitespace(span, i);
        if ((uint)i >= (uint)span.Length)
        {
            return ItemEnd.Invalid;
        }

        if (span[i] == (byte)',')
        {
            i = SkipWhitespace(span, i + 1);
            return ItemEnd.Comma;
        }

        if (span[i] != closer)
        {
            return ItemEnd.Invalid;
        }

        i++;
        return ItemEnd.Closed;
    }

    /// <summary>The parse of one input. Positions are passed and returned by value, never by reference: a position whose
    /// address a call takes lives in memory, and every step of the scan then waited on a store and a load.</summary>
    private ref struct Parser(ReadOnlyMemory<byte> input, int maxDepth, LogNodePool? pool)
    {
        /// <summary>True once a string held a byte of 0x80 or more: only then can the input's UTF-8 be invalid (everything
        /// outside strings that the parser accepts is ASCII).</summary>
        public bool NonAscii;

        private readonly ReadOnlySpan<byte> _span = input.Span;
        private readonly ReadOnlyMemory<byte> _input = input;
        private readonly int _maxDepth = maxDepth;
        private readonly LogNodePool? _pool = pool;

        /// <summary>Reads the object whose '{' is at <paramref name="i"/> (at nesting <paramref name="depth"/>, the root
        /// at 0): the object and the index just past its '}', or a null object. Never in line, not even the root's: in
        /// line in the record parser, its locals did not fit the registers, and the member loop waited on the stack.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public (LogObject? Object, int End) ReadObject(int i, int depth)
        {
            // As the reader-based parse: an object at depth d is refused when d + 1 exceeds the bound.
            if (depth + 1 > _maxDepth)
            {
                return default;
            }

            var span = _span;
            var obj = _pool is null ? new LogObject(depth == 0 ? 24 : 4) : _pool.Object();
            i = SkipWhitespace(span, i + 1);
            if ((uint)i < (uint)span.Length && span[i] == (byte)'}')
            {
                return (obj, i + 1);
            }

            while (true)
            {
                if ((uint)i >= (uint)span.Length || span[i] != (byte)'"')
                {
                    return default;
                }

                var nameStart = i + 1;
                (i, var escaped) = ScanString(i);
                if (i < 0)
                {
                    return default;
                }

                var nameLength = i - 1 - nameStart;
                i = SkipWhitespace(span, i);
                if ((uint)i >= (uint)span.Length || span[i] != (byte)':')
                {
                    return default;
                }

                // Compact input ("name":value) keeps the whole member for writing, when the value is no container. A
                // member with whitespace after its colon is not kept: it could never be written as it came.
                var compact = i == nameStart + nameLength + 1 && i + 1 < span.Length
                    && span[i + 1] is not ((byte)'{' or (byte)'[' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t');
                i = SkipWhitespace(span, i + 1);
                var stringValue = (uint)i < (uint)span.Length && span[i] == (byte)'"';
                var (value, end) = ReadValue(i, depth);
                if (value is null)
                {
                    return default;
                }

                i = end;
                var name = _input.Slice(nameStart, nameLength);
                var first = nameLength == 0 ? -1 : span[nameStart];
                var memberLength = compact ? i - (nameStart - 1) : 0;
                obj.AddParsed(_pool is null
                    ? new LogProperty(name, escaped, value, first, memberLength, stringValue)
                    : _pool.Property(name, escaped, value, first, memberLength, stringValue));
                switch (AfterItem(span, ref i, (byte)'}'))
                {
                    case ItemEnd.Comma:
                        continue;
                    case ItemEnd.Closed:
                        return (obj, i);
                    default:
                        return default;
                }
            }
        }

        private (LogArray? Array, int End) ReadArray(int i, int depth)
        {
            if (depth + 1 > _maxDepth)
            {
                return default;
            }

            var span = _span;
            var array = _pool is null ? new LogArray() : _pool.Array();
            i = SkipWhitespace(span, i + 1);
            if ((uint)i < (uint)span.Length && span[i] == (byte)']')
            {
                return (array, i + 1);
            }

            while (true)
            {
                var (value, end) = ReadValue(i, depth);
                if (value is null)
                {
                    return default;
                }

                i = end;
                array.Add(value);
                switch (AfterItem(span, ref i, (byte)']'))
                {
                    case ItemEnd.Comma:
                        continue;
                    case ItemEnd.Closed:
                        return (array, i);
                    default:
                        return default;
                }
            }
        }

        /// <summary>Reads the value starting at <paramref name="i"/> inside a container at <paramref name="depth"/>: the
        /// value and the index just past it, or a null value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private (LogNode? Value, int End) ReadValue(int i, int depth)
        {
            var span = _span;
            if ((uint)i >= (uint)span.Length)
            {
                return default;
            }

            switch (span[i])
            {
                case (byte)'"':
                {
                    var start = i + 1;
                    var (end, escaped) = ScanString(i);
                    if (end < 0)
                    {
                        return default;
                    }

                    var raw = _input.Slice(start, end - 1 - start);
                    return (_pool is null ? LogString.FromRaw(raw, escaped) : _pool.String(raw, escaped), end);
                }

                case (byte)'{':
                    return ReadObject(i, depth + 1);
                case (byte)'[':
                    return ReadArray(i, depth + 1);
                case (byte)'t':
                    return Literal(i, "true"u8, LogLiteral.True);
                case (byte)'f':
                    return Literal(i, "false"u8, LogLiteral.False);
                case (byte)'n':
                    return Literal(i, "null"u8, LogLiteral.Null);
                default:
                {
                    var end = ScanNumber(i);
                    if (end < 0)
                    {
                        return default;
                    }

                    var raw = _input.Slice(i, end - i);
                    return (_pool is null ? LogLiteral.FromRaw(LogNodeKind.Number, raw) : _pool.Number(raw), end);
                }
            }
        }

        private (LogNode? Value, int End) Literal(int i, ReadOnlySpan<byte> text, LogLiteral literal) =>
            _span[i..].StartsWith(text) && EndsValue(i + text.Length) ? (literal, i + text.Length) : default;

        /// <summary>True when a number or literal may end before <paramref name="i"/>: the reader refuses one that runs
        /// into anything but whitespace or a delimiter (<c>truex</c>, <c>1x</c>).</summary>
        private bool EndsValue(int i) =>
            (uint)i < (uint)_span.Length && _span[i] is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

        /// <summary>Scans the string whose opening quote is at <paramref name="i"/>: the index just past the closing
        /// quote (-1 when it is not a valid string), and whether it holds an escape. In line: nearly every string ends
        /// at its first stop, found in the first vector, and a call cost more than that.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private (int End, bool Escaped) ScanString(int i)
        {
            var span = _span;
            var at = i + 1;
            var (stop, nonAscii) = JsonStringScan.IndexOfStop(span[at..]);
            if (nonAscii)
            {
                NonAscii = true;
            }

            if (stop >= 0 && span[at + stop] == (byte)'"')
            {
                return (at + stop + 1, false);
            }

            return (stop < 0 ? -1 : ScanEscaped(at + stop), true);
        }

        /// <summary>The rest of <see cref="ScanString"/> from its first stop at <paramref name="at"/> that is not the
        /// closing quote: an escape (or a control character, which fails).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private int ScanEscaped(int at)
        {
            var span = _span;
            while (true)
            {
                var b = span[at];
                if (b == (byte)'"')
                {
                    return at + 1;
                }

                if (b != (byte)'\\' || at + 1 >= span.Length)
                {
                    // A control character: invalid in a JSON string.
                    return -1;
                }

                switch (span[at + 1])
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                        at += 2;
                        break;
                    case (byte)'u':
                        if (at + 6 > span.Length || !IsHex(span[at + 2]) || !IsHex(span[at + 3]) || !IsHex(span[at + 4]) || !IsHex(span[at + 5]))
                        {
                            return -1;
                        }

                        at += 6;
                        break;
                    default:
                        return -1;
                }

                // What ends the plain run: the closing quote, an escape, or a control character (invalid in JSON).
                var (stop, nonAscii) = JsonStringScan.IndexOfStop(span[at..]);
                if (nonAscii)
                {
                    NonAscii = true;
                }

                if (stop < 0)
                {
                    return -1;
                }

                at += stop;
            }
        }

        private static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 'f' - 'a';

        /// <summary>Scans a number at <paramref name="i"/> by JSON's grammar:
        /// <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>, followed by whitespace or a delimiter: the
        /// index just past it, or -1.</summary>
        private int ScanNumber(int i)
        {
            var span = _span;
            var at = i;
            if (span[at] == (byte)'-')
            {
                at++;
            }

            if ((uint)at >= (uint)span.Length)
            {
                return -1;
            }

            if (span[at] == (byte)'0')
            {
                at++;
            }
            else if (IsDigit(span[at]))
            {
                at = SkipDigits(span, at + 1);
            }
            else
            {
                return -1;
            }

            if ((uint)at < (uint)span.Length && span[at] == (byte)'.')
            {
                at++;
                if ((uint)at >= (uint)span.Length || !IsDigit(span[at]))
                {
                    return -1;
                }

                at = SkipDigits(span, at + 1);
            }

            if ((uint)at < (uint)span.Length && (span[at] | 0x20) == (byte)'e')
            {
                at++;
                if ((uint)at < (uint)span.Length && span[at] is (byte)'+' or (byte)'-')
                {
                    at++;
                }

                if ((uint)at >= (uint)span.Length || !IsDigit(span[at]))
                {
                    return -1;
                }

                at = SkipDigits(span, at + 1);
            }

            return EndsValue(at) ? at : -1;
        }

        private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

        private static int SkipDigits(ReadOnlySpan<byte> span, int at)
        {
            while ((uint)at < (uint)span.Length && IsDigit(span[at]))
            {
                at++;
            }

            return at;
        }
    }
}
