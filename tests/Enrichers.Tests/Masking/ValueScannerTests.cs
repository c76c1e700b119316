using System.Text;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class ValueScannerTests
{
    private static readonly KeyNameRules Keys = KeyNameRules.Create(new MaskingOptions());

    private static readonly string[] Fragments =
    [
        "jane@example.com", "+1 415-555-0132", "(415) 555-0132", "415.555.0132", "4111 1111 1111 1111", "4111111111111112",
        "123-45-6789", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
        "Bearer abcdefgh12345678", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t", "AKIAIOSFODNN7EXAMPLE", "ghp_1234567890abcdefghijABCDEFGHIJ123456",
        "xoxb-12345678901-AbCd", "AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v", "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
        "postgres://u:p@h/db", "81.2.69.160", "10.0.0.1", "2001:db8::1", "fe80::1", "v1.2.3.4", "token=abc", "2026-11-26T22:33:08.123Z",
        "4bf92f3577b34da6a3ce929d0e0e4736", "550e8400-e29b-41d4-a716-446655440000", "é", "日本", "🚀", " ", "-", ".", ":", "@", "_", "=", "1", "B",

        // Issue 21's forms: no-break spaces (two and three UTF-8 bytes), apostrophes, quotes, IDN, context words.
        "\u00a0", "\u202f", "+44\u00a020\u00a07946\u00a00958", "415\u202f555\u202f0132", "o'neil@example.com", "\"john doe\"@example.com",
        "jürgen@bücher.de", "user@例子.公司", "a@example.com’s", "2345 6789 0124", "2345\u00a06789\u00a00124", "ABCPE1234F", "PAN: ", "AB 12 34 56 C",
        "de89370400440532013000", "DE89-3704-0044-0532-0130-00", "4111+1111+1111+1111", "4111%201111%201111%201111", "4111.1111.1111.1111",
        "caller_id=", "14155550132", "agent/1.2.3.4", "Version=1.2.3.4", "latency ", " ms", "%2B14155550132", "ssn ", "123 45 6789",
        "078\u00a005\u00a01120", "832 753 5866", "jo\\u0068n@example.com", "user%40b%C3%BCcher.de", "'",
    ];

    [Fact]
    public void Bytes_and_chars_find_the_same_matches_in_random_mixtures()
    {
        var random = new Random(42);
        for (var n = 0; n < 3000; n++)
        {
            var builder = new StringBuilder();
            for (var k = random.Next(1, 8); k > 0; k--)
            {
                builder.Append(Fragments[random.Next(Fragments.Length)]);
            }

            var text = builder.ToString();
            var chars = Matches(text.AsSpan(), text);
            var bytes = Matches<byte>(Encoding.UTF8.GetBytes(text), text);
            Assert.True(chars.SequenceEqual(bytes), $"text: {System.Text.Json.JsonSerializer.Serialize(text)} chars: {string.Join("|", chars)} bytes: {string.Join("|", bytes)}");
        }
    }

    private static List<string> Matches<T>(ReadOnlySpan<T> s, string text)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var found = new List<string>();
        var pos = 0;
        while (ValueScanner.TryFindNext(s, pos, MaskPatterns.All, Keys, out var m))
        {
            Assert.True(m.Start >= pos && m.End > m.Start);
            var piece = typeof(T) == typeof(byte)
                ? Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.Cast<T, byte>(s[m.Start..m.End]))
                : text[m.Start..m.End];
            found.Add(m.Type + ":" + piece);
            pos = m.End;
        }

        return found;
    }
}
