using System.Globalization;
using System.Text;

namespace Enrichers.Tests.Json;

/// <summary>A seeded generator of compact JSON objects that no enricher has a reason to touch: nested
/// objects and arrays, every string escape form, raw and escaped unicode (surrogate pairs included), big
/// and odd number texts, dotted and duplicate keys. Names and strings use letters that cannot spell a
/// masking key word (password, token, secret...) or a value pattern (e-mail, digits, addresses).</summary>
internal sealed class RandomJson(int seed)
{
    private const string Letters = "bcfghjklmnqrvxz";
    private static readonly string[] Unicode = ["é", "ü", "日本", "Ω", "🚀", "\u00a0", "\u2028", "ß"];
    private static readonly string[] Escapes = ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u0000", "\\ud83d\\ude80", "\\u2028", "\\u001f"];
    private static readonly string[] Numbers =
        ["0", "-0", "1.0", "-0.0", "1e400", "1E-7", "2.50", "12345678901234567890123456789", "-9223372036854775809", "0.1000000000000000055511151231257827", "3.14159e+10"];

    private readonly Random _random = new(seed);

    public string Object(int maxDepth = 4)
    {
        var sb = new StringBuilder();
        WriteObject(sb, maxDepth, _random.Next(1, 9));
        return sb.ToString();
    }

    private void WriteObject(StringBuilder sb, int depth, int count)
    {
        sb.Append('{');
        string? previous = null;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            // Now and then a duplicate key: legal JSON that must survive as sent.
            var name = previous is not null && _random.Next(15) == 0 ? previous : Name();
            previous = name;
            sb.Append('"').Append(name).Append("\":");
            WriteValue(sb, depth - 1);
        }

        sb.Append('}');
    }

    private void WriteValue(StringBuilder sb, int depth)
    {
        switch (_random.Next(depth > 0 ? 8 : 6))
        {
            case 0:
            case 1:
                sb.Append('"').Append(Text()).Append('"');
                break;
            case 2:
                sb.Append(Numbers[_random.Next(Numbers.Length)]);
                break;
            case 3:
                sb.Append(_random.Next(1000).ToString(CultureInfo.InvariantCulture));
                break;
            case 4:
                sb.Append(_random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
            case 5:
                sb.Append("\"\"");
                break;
            case 6:
                WriteObject(sb, depth, _random.Next(0, 5));
                break;
            default:
                sb.Append('[');
                var n = _random.Next(0, 5);
                for (var i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    WriteValue(sb, depth - 1);
                }

                sb.Append(']');
                break;
        }
    }

    private string Name()
    {
        var sb = new StringBuilder("q");
        var parts = _random.Next(1, 4);
        for (var p = 0; p < parts; p++)
        {
            if (p > 0)
            {
                sb.Append(_random.Next(4) == 0 ? "_" : ".");
            }

            sb.Append(Word());
        }

        if (_random.Next(6) == 0)
        {
            sb.Append(_random.Next(2) == 0 ? Unicode[_random.Next(Unicode.Length)] : Escapes[_random.Next(Escapes.Length)]);
        }

        return sb.ToString();
    }

    private string Text()
    {
        var sb = new StringBuilder();
        var pieces = _random.Next(0, 6);
        for (var i = 0; i < pieces; i++)
        {
            sb.Append(_random.Next(4) switch
            {
                0 => Unicode[_random.Next(Unicode.Length)],
                1 => Escapes[_random.Next(Escapes.Length)],
                2 => " " + _random.Next(100).ToString(CultureInfo.InvariantCulture) + " ",
                _ => Word() + " ",
            });
        }

        return sb.ToString();
    }

    private string Word()
    {
        var length = _random.Next(2, 8);
        return string.Create(length, _random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Letters[r.Next(Letters.Length)];
            }
        });
    }
}
