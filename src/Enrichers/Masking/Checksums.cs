using System.Numerics;

namespace Enrichers.Masking;

/// <summary>The check digits that tell a card number or an IBAN from any other run of digits.</summary>
internal static class Checksums
{
    // Verhoeff's dihedral-group tables: D is the group's multiplication, P the permutation per position (checking a
    // number needs no inverse table: it is valid when the product is 0).
    private static readonly byte[] VerhoeffD =
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 0, 6, 7, 8, 9, 5, 2, 3, 4, 0, 1, 7, 8, 9, 5, 6, 3, 4, 0, 1, 2, 8, 9, 5, 6, 7,
        4, 0, 1, 2, 3, 9, 5, 6, 7, 8, 5, 9, 8, 7, 6, 0, 4, 3, 2, 1, 6, 5, 9, 8, 7, 1, 0, 4, 3, 2, 7, 6, 5, 9, 8, 2, 1, 0, 4, 3,
        8, 7, 6, 5, 9, 3, 2, 1, 0, 4, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
    ];

    private static readonly byte[] VerhoeffP =
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 5, 7, 6, 2, 8, 3, 0, 9, 4, 5, 8, 0, 3, 7, 9, 6, 1, 4, 2, 8, 9, 1, 6, 0, 4, 3, 5, 2, 7,
        9, 4, 5, 3, 1, 2, 6, 8, 7, 0, 4, 2, 8, 6, 5, 7, 3, 9, 0, 1, 2, 7, 9, 3, 8, 0, 6, 4, 1, 5, 7, 0, 4, 6, 9, 1, 3, 2, 5, 8,
    ];

    /// <summary>Luhn check over the digits of <c>s[start..end)</c>; separators are skipped (a form-encoded
    /// <c>%20</c> whole: its digits are not the number's).</summary>
    public static bool Luhn<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var sum = 0;
        var doubled = false;
        for (var i = end - 1; PreviousDigit(s, start, ref i) is >= 0 and var digit; i--)
        {
            var d = digit;
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 13616 check of an IBAN in <c>s[start..end)</c> (separators between its groups skipped): the
    /// first four characters moved to the end, letters of either case as 10..35, the number modulo 97 must be 1.</summary>
    public static bool IbanMod97<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var r = 0;
        var body = start + 4;
        for (var k = 0; k < end - start; k++)
        {
            var i = body + k < end ? body + k : start + (body + k - end);
            var c = CodeUnit.Value(s[i]);
            if ((uint)(c - '0') <= 9)
            {
                r = ((r * 10) + (c - '0')) % 97;
            }
            else if ((uint)((c | 0x20) - 'a') <= 'z' - 'a')
            {
                r = ((r * 100) + ((c | 0x20) - 'a' + 10)) % 97;
            }
        }

        return r == 1;
    }

    private const string Base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly uint[] Crc32Table = BuildCrc32Table();

    /// <summary>GitHub's and npm's token checksum: the body's last 6 characters are the CRC-32 (IEEE) of the
    /// characters before them, in base 62 (<c>0-9A-Za-z</c>), padded with zeros.</summary>
    public static bool Base62Crc32<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (end - start != 36)
        {
            return false;
        }

        var crc = 0xFFFFFFFFu;
        for (var i = start; i < end - 6; i++)
        {
            crc = Crc32Table[(crc ^ (uint)CodeUnit.Value(s[i])) & 0xFF] ^ (crc >> 8);
        }

        var value = crc ^ 0xFFFFFFFFu;
        for (var i = end - 1; i >= end - 6; i--)
        {
            if (CodeUnit.Value(s[i]) != Base62Digits[(int)(value % 62)])
            {
                return false;
            }

            value /= 62;
        }

        return true;
    }

    private static uint[] BuildCrc32Table()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
    /// <summary>Verhoeff check over the digits of <c>s[start..end)</c> (separators skipped): the check digit of
    /// India's Aadhaar numbers. It catches every single-digit error and every swap of adjacent digits, which Luhn
    /// does not.</summary>
    public static bool Verhoeff<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var c = 0;
        var position = 0;
        for (var i = end - 1; PreviousDigit(s, start, ref i) is >= 0 and var d; i--)
        {
            c = VerhoeffD[(c * 10) + VerhoeffP[((position % 8) * 10) + d]];
            position++;
        }

        return c == 0;
    }

    // The digit at or before i, going back from i (separators skipped, a form-encoded "%20" whole: its digits are not
    // the number's), with i moved to it; -1 when there is none at or after start.
    private static int PreviousDigit<T>(ReadOnlySpan<T> s, int start, ref int i)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (; i >= start; i--)
        {
            var d = CodeUnit.Value(s[i]) - '0';
            if ((uint)d > 9)
            {
                continue;
            }

            if (IsEncodedSpaceEnd(s, start, i))
            {
                i -= 2;
                continue;
            }

            return d;
        }

        return -1;
    }

    // The '0' of a "%20" separator.
    private static bool IsEncodedSpaceEnd<T>(ReadOnlySpan<T> s, int start, int i)
        where T : unmanaged, IBinaryInteger<T> =>
        i - 2 >= start && CodeUnit.Value(s[i]) == '0' && CodeUnit.Value(s[i - 1]) == '2' && CodeUnit.Value(s[i - 2]) == '%';
}
