using System.Runtime.CompilerServices;
using System.Text;

namespace Enrichers.Masking;

/// <summary>What a match is replaced with (a marker such as <c>[email]</c>, or an HMAC token when a key is set), and the
/// count of masks per type.</summary>
internal sealed class MaskReplacements
{
    private readonly EnrichmentStatistics _statistics;
    private readonly HmacTokenizer? _hmac;

    // Per mask type, filled on first use: a dictionary lookup per mask showed up in profiles.
    private readonly StrongBox<long>?[] _maskCounters = new StrongBox<long>?[Enum.GetValues<MaskType>().Length];

    public MaskReplacements(EnrichmentStatistics statistics, HmacTokenizer? hmac)
    {
        _statistics = statistics;
        _hmac = hmac;
    }

    /// <summary>Whether matches become tokens (their text is needed) rather than markers.</summary>
    public bool Tokens => _hmac is not null;

    public string Replacement(MaskType type, ReadOnlySpan<char> matched)
    {
        if (_hmac is null)
        {
            return MaskTypeNames.Marker(type);
        }

        var name = MaskTypeNames.Name(type);

        // Equal values in other spellings get equal tokens, so distinct counts stay right.
        return type switch
        {
            MaskType.Email => Token(name, matched.ToString().ToLowerInvariant()),
            MaskType.Phone or MaskType.Card or MaskType.Ssn => Token(name, KeepOnly(matched, char.IsAsciiDigit)),
            MaskType.Iban => Token(name, KeepOnly(matched, char.IsAsciiLetterOrDigit)),
            _ => Token(name, matched),
        };
    }

    /// <summary>As <see cref="Replacement(MaskType, ReadOnlySpan{char})"/> for a match in UTF-8: decoded only for a
    /// token, a marker needs no text.</summary>
    public string ReplacementUtf8(MaskType type, ReadOnlySpan<byte> matched) =>
        _hmac is null ? MaskTypeNames.Marker(type) : Replacement(type, Encoding.UTF8.GetString(matched));

    public string Token(string type, ReadOnlySpan<char> value) => _hmac!.Token(type, value);

    public void CountMask(MaskType type)
    {
        // A counter appears (at 0) only once its type was seen, as with CounterSet.Increment.
        var counter = _maskCounters[(int)type] ??= _statistics.Masks.Counter(MaskTypeNames.Name(type));
        Interlocked.Increment(ref counter.Value);
        ChangeCounter.Add();
    }

    private static string KeepOnly(ReadOnlySpan<char> text, Func<char, bool> keep)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (keep(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }
}
