using System.Numerics;

namespace Enrichers.Masking;

/// <summary>The check digits that tell a card number or an IBAN from any other run of digits.</summary>
internal static class Checksums
{
    /// <summary>Luhn check over the digits of <c>s[start..end)</c>; other characters (separators) are skipped.</summary>
    public static bool Luhn<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var sum = 0;
        var doubled = false;
        for (var i = end - 1; i >= start; i--)
        {
            var d = CodeUnit.Value(s[i]) - '0';
            if ((uint)d > 9)
            {
                continue;
            }

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

    /// <summary>ISO 13616 check of an IBAN in <c>s[start..end)</c> (spaces skipped): the first four characters
    /// moved to the end, letters as 10..35, the number modulo 97 must be 1.</summary>
    public static bool IbanMod97<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        var r = 0;
        var body = start + 4;
        for (var k = 0; k < end - start; k++)
        {
            var i = body + k < end ? body + k : start + (body + k - end);
            var c = CodeUnit.Value(s[i]);
            if (c == ' ')
            {
                continue;
            }

            if ((uint)(c - '0') <= 9)
            {
                r = ((r * 10) + (c - '0')) % 97;
            }
            else if ((uint)(c - 'A') <= 'Z' - 'A')
            {
                r = ((r * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
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
}
