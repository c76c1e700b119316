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
/// through the searcher and its set-up per string, more than the search itself. Here the first 32 (or 16) bytes are
/// one vector compared in line: one load, three compares and a bit scan decide most strings. The high bits of the
/// same vector tell whether the string is ASCII, so an all-ASCII record needs no separate UTF-8 pass.</para></summary>
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

            return IndexOfStop256(ref start, length, v);
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<byte>.Count)
        {
            return IndexOfStop128(ref start, length);
        }

        return IndexOfStopScalar(ref start, length);
    }

    /// <summary>The search with 16-byte vectors only, as on hardware without 32-byte ones (the tests run it where both
    /// are). Requires <see cref="Vector128.IsHardwareAccelerated"/>.</summary>
    internal static (int Stop, bool NonAscii) IndexOfStop128(ReadOnlySpan<byte> span)
    {
        ref var start = ref MemoryMarshal.GetReference(span);
        var length = (nuint)span.Length;
        return length < (nuint)Vector128<byte>.Count ? IndexOfStopScalar(ref start, length) : IndexOfStop128(ref start, length);
    }

    /// <summary>The byte-at-a-time search, for spans shorter than a vector (and the reference the tests hold the vectors
    /// to).</summary>
    internal static (int Stop, bool NonAscii) IndexOfStopScalar(ReadOnlySpan<byte> span) =>
        IndexOfStopScalar(ref MemoryMarshal.GetReference(span), (nuint)span.Length);

    private static (int Stop, bool NonAscii) IndexOfStopScalar(ref byte start, nuint length)
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

    /// <summary>The rest of a search whose first 32 bytes, <paramref name="first"/>, held no stop; <paramref name="length"/>
    /// is at least 32.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Stop, bool NonAscii) IndexOfStop256(ref byte start, nuint length, Vector256<byte> first)
    {
        var step = (nuint)Vector256<byte>.Count;
        var last = length - step;
        var seen = first;
        nuint i = step;
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
            // The last vector overlaps what was searched already (no stop there): its first i - last lanes are dropped.
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

    /// <summary>As <see cref="IndexOfStop256"/> with 16-byte vectors, from the start; <paramref name="length"/> is at
    /// least 16.</summary>
    private static (int Stop, bool NonAscii) IndexOfStop128(ref byte start, nuint length)
    {
        var step = (nuint)Vector128<byte>.Count;
        var last = length - step;
        var seen = Vector128<byte>.Zero;
        nuint i = 0;
        for (; i <= last; i += step)
        {
            var v = Vector128.LoadUnsafe(ref start, i);
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
            var v = Vector128.LoadUnsafe(ref start, last);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Stops(Vector128<byte> v) =>
        Vector128.Equals(v, Vector128.Create((byte)'"'))
        | Vector128.Equals(v, Vector128.Create((byte)'\\'))
        | Vector128.LessThan(v, Vector128.Create((byte)0x20));
}
