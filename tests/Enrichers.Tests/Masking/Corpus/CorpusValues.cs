using System.Numerics;
using System.Text;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Random but valid values for the corpus families: distinctive enough that finding one in the output can
/// only mean it leaked, and valid where the detector checks (Luhn, mod-97), so a case tests detection and not a
/// checksum that happens to fail.</summary>
internal static class CorpusValues
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digit = "0123456789";
    private const string HexDigits = "0123456789abcdef";

    public static string Letters(this Random random, int length) => random.From(Lower, length);

    public static string Digits(this Random random, int length) => random.From("123456789", 1) + random.From(Digit, length - 1);

    public static string Hex(this Random random, int length) => random.From(HexDigits, length);

    public static string Alphanumeric(this Random random, int length) => random.From(Lower + Upper + Digit, length);

    public static string UpperAlphanumeric(this Random random, int length) => random.From(Upper + Digit, length);

    public static string From(this Random random, string alphabet, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A card number of <paramref name="length"/> digits starting with <paramref name="prefix"/> whose last
    /// digit makes the Luhn sum a multiple of ten.</summary>
    public static string LuhnCard(this Random random, string prefix, int length)
    {
        var body = prefix + random.From(Digit, length - prefix.Length - 1);
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return body + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    /// <summary>An IBAN of <paramref name="country"/> with a numeric BBAN of <paramref name="bbanLength"/> digits and
    /// the ISO 13616 mod-97 check digits.</summary>
    public static string Iban(this Random random, string country, int bbanLength)
    {
        var bban = random.From(Digit, bbanLength);
        var rearranged = bban + (country[0] - 'A' + 10) + (country[1] - 'A' + 10) + "00";
        var check = 98 - (int)(BigInteger.Parse(rearranged) % 97);
        return $"{country}{check:00}{bban}";
    }

    /// <summary>A public IPv4 address (first octet outside private, loopback, CGNAT-free ranges the masker keeps, last
    /// octet not 0, which the masker keeps as a network address).</summary>
    public static string PublicIPv4(this Random random)
    {
        var first = random.Pick(new[] { 23, 31, 45, 62, 81, 93, 104, 151, 185, 203 });
        return $"{first}.{random.Next(1, 255)}.{random.Next(0, 256)}.{random.Next(1, 255)}";
    }

    /// <summary>A JSON string literal of <paramref name="text"/>, for building record text by hand.</summary>
    public static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>A password with a character that used to end a secret's value early in its middle (<c>abc&gt;35Vkn</c>,
    /// <c>x,3tiE</c>): distinctive, and a leak of its tail shows.</summary>
    public static string Password(this Random random, string middles = ">,)]}#/!%*~^@:|")
    {
        var middle = random.From(middles, 1);
        return random.Alphanumeric(5) + middle + random.Alphanumeric(6);
    }

    /// <summary>Standard base64 of <paramref name="bytes"/> random bytes (with <c>+</c>, <c>/</c> and padding).</summary>
    public static string Base64(this Random random, int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToBase64String(buffer);
    }
}
