using System.Runtime.CompilerServices;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>The raw UTF-8 name of a parsed property, read without decoding it into a string. Key rules look at
/// every property of every record, and decoding (or copying out through the writer) cost more than the rules
/// themselves. LogProperty keeps the name private, so this reads its fields with UnsafeAccessor; if they are
/// ever renamed, <see cref="Available"/> turns false at start and callers fall back to the decoded name.</summary>
internal static class RawPropertyName
{
    /// <summary>Whether the fields were found (checked once on a parsed sample).</summary>
    public static readonly bool Available = Probe();

    /// <summary>The raw name when the property came from the input without escapes.</summary>
    public static bool TryGet(LogProperty property, out ReadOnlySpan<byte> name)
    {
        if (Available && FromInput(property) && !HasEscapes(property))
        {
            name = RawName(property).Span;
            return true;
        }

        name = default;
        return false;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_rawName")]
    private static extern ref ReadOnlyMemory<byte> RawName(LogProperty property);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_rawHasEscapes")]
    private static extern ref bool HasEscapes(LogProperty property);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_fromInput")]
    private static extern ref bool FromInput(LogProperty property);

    private static bool Probe()
    {
        try
        {
            var record = LogRecordParser.TryParse("{\"ab\":1,\"c\\u0064\":2}"u8.ToArray(), out _);
            var plain = record!.Root[0];
            var escaped = record.Root[1];
            var built = new LogProperty("ab", LogLiteral.Null);
            return FromInput(plain) && !HasEscapes(plain) && RawName(plain).Span.SequenceEqual("ab"u8)
                && HasEscapes(escaped) && !FromInput(built);
        }
        catch (Exception ex) when (ex is MissingFieldException or MissingMemberException or NullReferenceException)
        {
            return false;
        }
    }
}
