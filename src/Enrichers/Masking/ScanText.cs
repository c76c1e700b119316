using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enrichers.Masking;

/// <summary>What the detectors read text with, on UTF-8 bytes or UTF-16 chars alike: code units as ints (-1
/// outside the span), ASCII character classes and run ends. Every pattern is ASCII; any non-ASCII unit counts as
/// a non-word character, so bytes and chars give the same answer.</summary>
internal static class ScanText
{
    private const string AlnumChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static readonly SearchValues<byte> ByteAlnum = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(AlnumChars));
    public static readonly SearchValues<char> CharAlnum = SearchValues.Create(AlnumChars);

    public static int AlnumEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        var rel = typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s[i..]).IndexOfAnyExcept(ByteAlnum)
            : MemoryMarshal.Cast<T, char>(s[i..]).IndexOfAnyExcept(CharAlnum);
        return rel < 0 ? s.Length : i + rel;
    }

    public static int IndexOf<T>(ReadOnlySpan<T> s, int from, ReadOnlySpan<byte> utf8, string chars)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (from >= s.Length)
        {
            return -1;
        }

        var rel = typeof(T) == typeof(byte)
            ? MemoryMarshal.Cast<T, byte>(s[from..]).IndexOf(utf8)
            : MemoryMarshal.Cast<T, char>(s[from..]).IndexOf(chars, StringComparison.Ordinal);
        return rel < 0 ? -1 : from + rel;
    }

    public static bool EqualsIgnoreCase<T>(ReadOnlySpan<T> s, int at, string ascii)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (at < 0 || at + ascii.Length > s.Length)
        {
            return false;
        }

        for (var k = 0; k < ascii.Length; k++)
        {
            var c = C(s[at + k]);
            var e = (int)ascii[k];
            if (c != e && (!IsLetter(c) || (c | 0x20) != (e | 0x20)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <c>s[start..end)</c> is one of <paramref name="words"/>, ignoring ASCII case.</summary>
    public static bool IsAnyIgnoreCase<T>(ReadOnlySpan<T> s, int start, int end, ReadOnlySpan<string> words)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var word in words)
        {
            if (word.Length == end - start && EqualsIgnoreCase(s, start, word))
            {
                return true;
            }
        }

        return false;
    }

    public static bool EqualsOrdinal<T>(ReadOnlySpan<T> s, int at, string ascii)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (at < 0 || at + ascii.Length > s.Length)
        {
            return false;
        }

        for (var k = 0; k < ascii.Length; k++)
        {
            if (C(s[at + k]) != ascii[k])
            {
                return false;
            }
        }

        return true;
    }

    public static int DigitEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (i < s.Length && IsDigit(C(s[i])))
        {
            i++;
        }

        return i;
    }

    public static int UpperAlnumEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (i < s.Length && IsUpperAlnum(C(s[i])))
        {
            i++;
        }

        return i;
    }

    public static int Base64UrlEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        while (i < s.Length && IsBase64Url(C(s[i])))
        {
            i++;
        }

        return i;
    }

    public static int ValueEnd<T>(ReadOnlySpan<T> s, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = start;
        while (end < s.Length && !IsValueStop(C(s[end])))
        {
            end++;
        }

        return end;
    }

    public static bool DigitsAt<T>(ReadOnlySpan<T> s, int at, int count)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (at < 0 || at + count > s.Length)
        {
            return false;
        }

        for (var k = at; k < at + count; k++)
        {
            if (!IsDigit(C(s[k])))
            {
                return false;
            }
        }

        return true;
    }

    // A number ends here: no word character follows, nor a separator that continues it with more digits.
    public static bool EndsNumber<T>(ReadOnlySpan<T> s, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var after = Get(s, end);
        return !IsWord(after) && !(after is '-' or '.' && IsDigit(Get(s, end + 1)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int C<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => CodeUnit.Value(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Get<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => (uint)i < (uint)s.Length ? CodeUnit.Value(s[i]) : -1;

    // The character classes below are called in every detector's loops; inlining them is left to the JIT's budget
    // otherwise, which large detectors (the digit anchor's, the e-mail's) exhaust, leaving a call per character.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsUpper(int c) => (uint)(c - 'A') <= 'Z' - 'A';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLetter(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAlnum(int c) => IsDigit(c) || IsLetter(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWord(int c) => IsAlnum(c) || c == '_';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsUpperAlnum(int c) => IsDigit(c) || IsUpper(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsHex(int c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 'f' - 'a';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBase64Url(int c) => IsWord(c) || c == '-';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTokenChar(int c) => IsBase64Url(c) || c is '.' or '~' or '+' or '/' or '=';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEmailLocal(int c) => IsAlnum(c) || c is '.' or '_' or '%' or '+' or '-' || c >= 0x80;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSpaceOrQuote(int c) => c is <= ' ' or '"' or '\'';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValueStop(int c) => IsSpaceOrQuote(c) || c is '&' or ';' or ',' or ')' or ']' or '}' or '<' or '>';
}
