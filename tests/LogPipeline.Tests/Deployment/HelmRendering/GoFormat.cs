using System.Globalization;
using System.Text;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Go's fmt as templates use it: how an action prints a value (<c>%v</c>), <c>%q</c>, and the
/// verbs of <c>printf</c> this renderer implements (<c>%s %d %v %q %%</c>).</summary>
internal static class GoFormat
{
    /// <summary><c>%v</c>. A float64 prints with strconv's shortest <c>%g</c>: <c>2</c>, <c>0.5</c>, but
    /// <c>1e+06</c> for a million (the reason charts pipe big numbers through <c>int</c>). A map prints as
    /// <c>map[k:v …]</c> in key order, a list as <c>[a b]</c>, nil inside them as <c>&lt;nil&gt;</c>.</summary>
    public static string Value(SourcePosition at, object? value) => value switch
    {
        null => "<nil>",
        string s => s,
        bool b => b ? "true" : "false",
        long i => i.ToString(CultureInfo.InvariantCulture),
        double d => Float(d, json: false),
        IReadOnlyDictionary<string, object?> map =>
            "map[" + string.Join(' ', map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{Value(at, kv.Value)}")) + "]",
        IReadOnlyList<object?> list => "[" + string.Join(' ', list.Select(v => Value(at, v))) + "]",
        _ => throw new TemplateException(at, $"printing a {GoValues.TypeName(value)} is not implemented by this renderer"),
    };

    /// <summary>A float64 as Go writes it: <paramref name="json"/> false is strconv's shortest <c>'g'</c>
    /// (exponent form when the decimal exponent is below -4 or at least 6: <c>%v</c>, yaml.v2); true is
    /// encoding/json's (<c>'f'</c> unless the magnitude is below 1e-6 or at least 1e21, and then <c>1e-7</c>,
    /// not <c>1e-07</c>).</summary>
    public static string Float(double value, bool json)
    {
        if (!double.IsFinite(value))
        {
            throw new NotSupportedException($"the float {value} is not implemented by this renderer");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        var (negative, digits, point) = ShortestDigits(value);
        var exponent = point - 1;
        var magnitude = Math.Abs(value);
        var scientific = json ? magnitude < 1e-6 || magnitude >= 1e21 : exponent < -4 || exponent >= 6;
        string text;
        if (scientific)
        {
            var mantissa = digits.Length > 1 ? digits[..1] + "." + digits[1..] : digits;
            var exponentDigits = Math.Abs(exponent).ToString(json ? "0" : "00", CultureInfo.InvariantCulture);
            text = $"{mantissa}e{(exponent < 0 ? '-' : '+')}{exponentDigits}";
        }
        else if (point <= 0)
        {
            text = "0." + new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            text = digits + new string('0', point - digits.Length);
        }
        else
        {
            text = digits[..point] + "." + digits[point..];
        }

        return negative ? "-" + text : text;
    }

    /// <summary>The shortest decimal digits that read back as <paramref name="value"/> (as Go's strconv and .NET's
    /// "R" both find), and where the decimal point goes: value = 0.digits × 10^point.</summary>
    private static (bool Negative, string Digits, int Point) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        text = text.TrimStart('-');
        var exponent = 0;
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? text.Length : dot;
        var all = text.Replace(".", "", StringComparison.Ordinal);
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        return (negative, digits, integerDigits - leadingZeros + exponent);
    }

    /// <summary><c>%q</c> of a string: strconv.Quote, which keeps printable Unicode and escapes the rest.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\a': text.Append("\\a"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\v': text.Append("\\v"); break;
                case < 0x20 or 0x7f: text.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"); break;
                case < 0x80: text.Append((char)rune.Value); break;
                default:
                    // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020 only.
                    var category = Rune.GetUnicodeCategory(rune);
                    var printable = category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
                    text.Append(printable ? rune.ToString()
                        : rune.Value < 0x10000 ? $"\\u{rune.Value:x4}" : $"\\U{rune.Value:x8}");
                    break;
            }
        }

        return text.Append('"').ToString();
    }

    /// <summary>fmt.Sprintf for the verbs <c>%s %d %v %q %%</c> without flags or widths. What Go would print as an
    /// error inside the text (<c>%!d(float64=2)</c>, <c>%!s(MISSING)</c>) is refused here instead: a chart
    /// relying on it is wrong.</summary>
    public static string Sprintf(SourcePosition at, string format, IReadOnlyList<object?> arguments)
    {
        var text = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                text.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new TemplateException(at, $"printf \"{format}\": a lone % at the end (Go prints %!(NOVERB))");
            }

            var verb = format[i];
            if (verb == '%')
            {
                text.Append('%');
                continue;
            }

            if (next >= arguments.Count)
            {
                throw new TemplateException(at, $"printf \"{format}\": %{verb} has no argument (Go prints %!{verb}(MISSING))");
            }

            var argument = arguments[next++];
            text.Append((verb, argument) switch
            {
                ('v', _) => argument is null ? "<nil>" : Value(at, argument),
                ('s', string s) => s,
                ('d', long n) => n.ToString(CultureInfo.InvariantCulture),
                ('q', string s) => Quote(s),
                ('s' or 'd' or 'q', _) => throw new TemplateException(at,
                    $"printf \"{format}\": %{verb} of a {GoValues.TypeName(argument)} (Go prints %!{verb}({GoValues.TypeName(argument)}={Value(at, argument)}))"),
                _ => throw new TemplateException(at, $"printf \"{format}\": the verb %{verb} is not implemented by this renderer"),
            });
        }

        if (next < arguments.Count)
        {
            throw new TemplateException(at, $"printf \"{format}\": {arguments.Count - next} argument(s) left over (Go prints %!(EXTRA …))");
        }

        return text.ToString();
    }
}
