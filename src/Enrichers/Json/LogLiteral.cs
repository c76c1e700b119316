using System.Globalization;
using System.Text;

namespace Enrichers.Json;

/// <summary>A JSON number, true, false or null. Numbers keep their input text, so <c>1.0</c> stays
/// <c>1.0</c> and large integers lose no precision.</summary>
public sealed class LogLiteral : LogNode
{
    public static readonly LogLiteral True = new(LogNodeKind.True, "true"u8.ToArray());
    public static readonly LogLiteral False = new(LogNodeKind.False, "false"u8.ToArray());
    public static readonly LogLiteral Null = new(LogNodeKind.Null, "null"u8.ToArray());

    private ReadOnlyMemory<byte> _raw;
    private readonly LogNodeKind _kind;

    private LogLiteral(LogNodeKind kind, ReadOnlyMemory<byte> raw)
    {
        _kind = kind;
        _raw = raw;
    }

    public override LogNodeKind Kind => _kind;

    /// <summary>The JSON text of the literal, as in the input.</summary>
    public ReadOnlySpan<byte> RawUtf8 => _raw.Span;

    // Enrichers write small counters on most records (trace_seq, elapsed ms); literals are immutable, so
    // shared instances save two allocations each.
    private static readonly LogLiteral[] SmallNumbers = CreateSmallNumbers(SharedCount);

    /// <summary>Integers 0 to this (exclusive) are shared literals.</summary>
    internal const int SharedCount = 1024;

    public static LogLiteral Number(long value) =>
        (ulong)value < (ulong)SmallNumbers.Length
            ? SmallNumbers[value]
            : new(LogNodeKind.Number, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));

    private static LogLiteral[] CreateSmallNumbers(int count)
    {
        var numbers = new LogLiteral[count];
        for (var i = 0; i < count; i++)
        {
            numbers[i] = new(LogNodeKind.Number, Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
        }

        return numbers;
    }

    /// <summary>A number from a finite double, written in its shortest round-trip form.</summary>
    public static LogLiteral Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON numbers must be finite.");
        }

        Span<byte> text = stackalloc byte[MaxNumberLength];
        return new(LogNodeKind.Number, text[..FormatNumber(value, text)].ToArray());
    }

    /// <summary>Room enough for any finite double's <see cref="FormatNumber"/>.</summary>
    internal const int MaxNumberLength = 32;

    /// <summary>Writes a finite <paramref name="value"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxNumberLength"/> bytes) as <see cref="Number(double)"/> holds it; returns the length. Formatted
    /// straight into bytes (the shortest round-trip form): no string on the way.</summary>
    internal static int FormatNumber(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    public static LogLiteral Boolean(bool value) => value ? True : False;

    internal static LogLiteral FromRaw(LogNodeKind kind, ReadOnlyMemory<byte> raw) => kind switch
    {
        LogNodeKind.True => True,
        LogNodeKind.False => False,
        LogNodeKind.Null => Null,
        LogNodeKind.Number when SmallInteger(raw.Span) is var n and >= 0 => SmallNumbers[n],
        _ => new LogLiteral(kind, raw),
    };

    /// <summary>The shared literal for a number written exactly as it is (small integers).</summary>
    internal static bool TryShared(ReadOnlySpan<byte> raw, out LogLiteral shared)
    {
        var n = SmallInteger(raw);
        shared = n >= 0 ? SmallNumbers[n] : null!;
        return n >= 0;
    }

    /// <summary>A number literal of its own (never a shared one), for a pool to refill.</summary>
    internal static LogLiteral Unshared(ReadOnlyMemory<byte> raw) => new(LogNodeKind.Number, raw);

    /// <summary>Gives a pooled number literal the text of the next record's number (see
    /// <see cref="LogNodePool"/>); never called on the shared literals.</summary>
    internal void Reuse(ReadOnlyMemory<byte> raw) => _raw = raw;

    /// <summary>The value of a number written exactly as its shared literal is (1 to 3 digits, no sign, no
    /// leading zero: statuses, small counts), so parsing can reuse that literal; else -1.</summary>
    private static int SmallInteger(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty || raw.Length > 3 || (raw[0] == (byte)'0' && raw.Length > 1))
        {
            return -1;
        }

        var value = 0;
        foreach (var b in raw)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return -1;
            }

            value = value * 10 + (int)d;
        }

        return value;
    }

    /// <summary>The number as a long when it is an integer that fits.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        return _kind == LogNodeKind.Number && System.Buffers.Text.Utf8Parser.TryParse(_raw.Span, out value, out var used) && used == _raw.Length;
    }

    /// <summary>The number as a double.</summary>
    public bool TryGetDouble(out double value)
    {
        value = 0;
        return _kind == LogNodeKind.Number && System.Buffers.Text.Utf8Parser.TryParse(_raw.Span, out value, out var used) && used == _raw.Length;
    }

    internal override void WriteTo(ref JsonOutput output) => output.WriteRaw(_raw.Span);

    public override string ToString() => Encoding.UTF8.GetString(_raw.Span);
}
