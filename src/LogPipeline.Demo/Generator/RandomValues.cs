using static LogPipeline.Demo.Generator.SmmVocabulary;

namespace LogPipeline.Demo.Generator;

/// <summary>Random values of the kinds the SMM logs carry (identifiers, addresses, e-mails, cards, keys), drawn
/// from the generator's one seeded <see cref="Random"/>. Every part of the generator draws through this one
/// instance, in the order the line is written, so a seed always gives the same bytes.</summary>
internal sealed class RandomValues(int seed)
{
    private readonly Random _random = new(seed);

    public int Next(int maxValue) => _random.Next(maxValue);

    public int Next(int minValue, int maxValue) => _random.Next(minValue, maxValue);

    public double NextDouble() => _random.NextDouble();

    /// <summary>One of <paramref name="items"/>.</summary>
    public T Of<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public string Pick(string a, string b, string c) => _random.Next(3) switch
    {
        0 => a,
        1 => b,
        _ => c,
    };

    public string Address() => _random.Next(10) switch
    {
        < 4 => Of(MaxMindTestAddresses),
        < 7 => Of(OtherPublicAddresses),
        _ => Of(PrivateAddresses),
    };

    public string PublicAddress() => _random.Next(2) == 0 ? Of(MaxMindTestAddresses) : Of(OtherPublicAddresses);

    public string Email() => $"{Of(FirstNames)}.{Hex(3)}@{Of(Domains)}";

    public string Phone() => _random.Next(4) switch
    {
        0 => $"+1 415-555-{Digits(4)}",
        1 => $"(415) 555-{Digits(4)}",
        2 => $"+44 20 7946 {Digits(4)}",
        _ => $"415.555.{Digits(4)}",
    };

    public string Card()
    {
        // 16 digits with a Luhn check digit, so maskers that check Luhn must catch it.
        var digits = new int[16];
        digits[0] = _random.Next(2) == 0 ? 4 : 5;
        for (var i = 1; i < 15; i++)
        {
            digits[i] = _random.Next(10);
        }

        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var d = digits[14 - i];
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

        digits[15] = (10 - (sum % 10)) % 10;
        var text = string.Concat(digits);
        return _random.Next(3) switch
        {
            0 => text,
            1 => $"{text[..4]} {text[4..8]} {text[8..12]} {text[12..]}",
            _ => $"{text[..4]}-{text[4..8]}-{text[8..12]}-{text[12..]}",
        };
    }

    public string Ssn() => $"{_random.Next(100, 899)}-{_random.Next(10, 99)}-{_random.Next(1000, 9999)}";

    public string Iban() => _random.Next(2) == 0 ? "GB82 WEST 1234 5698 7654 32" : "DE89370400440532013000";

    public string Jwt() =>
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMTIzIiwid3MiOiJ3c18xIn0." + Token(43);

    public string ApiKey() => _random.Next(5) switch
    {
        0 => "sk-proj-" + Token(40),
        1 => "AKIA" + Upper(16),
        2 => "ghp_" + Token(36),
        3 => "xoxb-" + Digits(11) + "-" + Token(24),
        _ => "AIza" + Token(35),
    };

    public string Hex(int length) => Chars(length, "0123456789abcdef");

    public string Digits(int length) => Chars(length, "0123456789");

    public string Token(int length) => Chars(length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private string Upper(int length) => Chars(length, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

    private string Chars(int length, string alphabet)
    {
        return string.Create(length, (_random, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state._random.Next(state.alphabet.Length)];
            }
        });
    }
}
