using System.Numerics;
using System.Runtime.CompilerServices;

namespace Enrichers.Masking;

/// <summary>Reads a UTF-8 byte or a UTF-16 char as an int. The scanners are generic over both; this
/// compiles to a plain load for each (int.CreateTruncating did not inline and was many times slower; figures:
/// docs/masking.md).</summary>
internal static class CodeUnit
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Value<T>(T unit)
        where T : unmanaged, IBinaryInteger<T> =>
        typeof(T) == typeof(byte) ? Unsafe.BitCast<T, byte>(unit) : Unsafe.BitCast<T, char>(unit);
}
