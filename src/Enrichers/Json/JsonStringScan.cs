using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Enrichers.Json;

/// <summary>The search for the end of a JSON string's plain run: the first byte that is a quote, a backslash or a
/// control character (below 0x20), exactly the bytes of <see cref="JsonOutput.MustEscapeUtf8"/>; and, on the way,
/// whether the run holds a byte of 0x80 or more (non-ASCII text, whose UTF-8 must then be checked).
/// <para>Why not <c>IndexOfAny(SearchValues)</c>: the parser asks for every name and string of every record, nearly
/// all of them shorter than 32 bytes, in a span that runs on to the input's end, and the general search paid a call
/// through the searcher and its set-up per string, more than the search itself. Here the first 32 bytes (then the next
/// 32) are one vector compared in line: one load, three compares and a bit scan decide most strings. The high bits of
/// the same vector tell whether the string is ASCII, so an all-ASCII record needs no separate UTF-8 pass. 64-byte vectors
/// measured slower (docs/enrichment.md); without 32-byte ones the framework's searches are used.</para></summary>
internal static class JsonStringScan
{
    /// <summary>The index of the first quote, backslash or control byte in <paramref name="span"/>, or -1 (the same
    /// answer as <c>span.IndexOfAny(JsonOutput.MustEscapeUtf8)</c>), and whether a byte before it (before the end when
    /// there is none) is 0x80 or more. Both are returned, not one through an <c>out</c>: a local whose address is passed
    /// to a call lives in memory, in the parser's hottest loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int Stop, bool NonAscii) IndexOfStop(ReadOnlySpan<byte> span)
    {
        ref var start = ref MemoryMarshal.GetReference(span);
        var length = (nuint)span.Length;
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<byte>.Count)
        {
            var v = Vector256.LoadUnsafe(ref start);
            var bits = Stops(v).ExtractMostSignificantBits();
            if (bits != 0)
            {
                // bits ^ (bits - 1): the lanes up to the first stop, which is itself below 0x80.
                return (BitOperations.TrailingZeroCount(bits), (v.ExtractMostSignificantBits() & (bits ^ (bits - 1))) != 0);
            }

            // A second vector in line too: trace IDs, IPv6 addresses and paths run just past the first.
            if (length >= 2 * (nuint)Vector256<byte>.Count)
            {
                var w = Vector256.LoadUnsafe(ref start, (nuint)Vector256<byte>.Count);
                bits = Stops(w).ExtractMostSignificantBits();
                if (bits != 0)
                {
                    var before = v.ExtractMostSignificantBits() != 0 || (w.ExtractMostSignificantBits() & (bits ^ (bits - 1))) != 0;
                    return (Vector256<byte>.Count + BitOperations.TrailingZeroCount(bits), before);
                }
            }

            return Search256(ref start, length);
        }

        return length >= (nuint)Vector128<byte>.Count ? SearchFramework(span) : SearchScalar(ref start, length);
    }

    /// <summary>The search with 32-byte vectors from the start, without the two in line (the tests run every path where
    /// the hardware has them all). Requires <see cref="Vector256.IsHardwareAccelerated"/>.</summary>
    internal static (int Stop, bool NonAscii) IndexOfStop256(ReadOnlySpan<byte> span)
    {
        ref var start = ref MemoryMarshal.GetReference(span);
        var length = (nuint)span.Length;
        return length >= (nuint)Vector256<byte>.Count ? Search256(ref start, length) : SearchScalar(ref start, length);
    }

    /// <summary>The search without 32-byte vectors (hardware without them, and the tests): the framework's own
    /// vectorized searches, one for the stop and one for the non-ASCII bytes before it.</summary>
    internal static (int Stop, bool NonAscii) SearchFramework(ReadOnlySpan<byte> span)
    {
        var stop = span.IndexOfAny(JsonOutput.MustEscapeUtf8);
        return (stop, !System.Text.Ascii.IsValid(stop < 0 ? span : span[..stop]));
    }

    /// <summary>The byte-at-a-time search, for spans shorter than a vector (and the reference the tests hold the vectors
    /// to).</summary>
    internal static (int Stop, bool NonAscii) IndexOfStopScalar(ReadOnlySpan<byte> span) =>
        SearchScalar(ref MemoryMarshal.GetReference(span), (nuint)span.Length);

    private static (int Stop, bool NonAscii) SearchScalar(ref byte start, nuint length)
    {
        var high = 0;
        for (nuint i = 0; i < length; i++)
        {
            var b = Unsafe.Add(ref start, i);
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\')
            {
                return ((int)i, high >= 0x80);
            }

            high |= b;
        }

        return (-1, high >= 0x80);
    }

    // Vectors from the start, then, when the length is no multiple of 32, a last vector that ends at the span's end and
    // overlaps what was searched already (no stop there), of which the lanes already seen are dropped. The high bits of
    // every vector before the stop are gathered for NonAscii. Requires at least 32 bytes.

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Stop, bool NonAscii) Search256(ref byte start, nuint length)
    {
        var step = (nuint)Vector256<byte>.Count;
        var last = length - step;
        var seen = Vector256<byte>.Zero;
        nuint i = 0;
        for (; i <= last; i += step)
        {
            var v = Vector256.LoadUnsafe(ref start, i);
            var bits = Stops(v).ExtractMostSignificantBits();
            if (bits != 0)
            {
                var before = seen.ExtractMostSignificantBits() != 0 || (v.ExtractMostSignificantBits() & (bits ^ (bits - 1))) != 0;
                return ((int)(i + (nuint)BitOperations.TrailingZeroCount(bits)), before);
            }

            seen |= v;
        }

        if (i < length)
        {
            var v = Vector256.LoadUnsafe(ref start, last);
            var shift = (int)(i - last);
            var bits = Stops(v).ExtractMostSignificantBits() >> shift;
            var high = v.ExtractMostSignificantBits() >> shift;
            if (bits != 0)
            {
                var before = seen.ExtractMostSignificantBits() != 0 || (high & (bits ^ (bits - 1))) != 0;
                return ((int)(i + (nuint)BitOperations.TrailingZeroCount(bits)), before);
            }

            return (-1, seen.ExtractMostSignificantBits() != 0 || high != 0);
        }

        return (-1, seen.ExtractMostSignificantBits() != 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Stops(Vector256<byte> v) =>
        Vector256.Equals(v, Vector256.Create((byte)'"'))
        | Vector256.Equals(v, Vector256.Create((byte)'\\'))
        | Vector256.LessThan(v, Vector256.Create((byte)0x20));
}
