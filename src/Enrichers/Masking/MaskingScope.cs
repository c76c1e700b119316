using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Where the masking walk stands in a record: the patterns on for the values below (key flags take some
/// off), what the keys above say the values hold (<see cref="KeyFlags.PiiContext"/>), the depth in the record, how
/// many strings of JSON this one is nested in (0: the record itself), and the per-record caches and pool.</summary>
internal readonly record struct MaskingScope(
    MaskPatterns Patterns,
    KeyFlags Context,
    int Depth,
    int InnerLevel,
    LogNodePool? Pool,
    RepeatedTextCache? Clean,
    RepeatedTextCache Names)
{
    /// <summary>Strings holding JSON are parsed and masked as JSON this many levels deep; deeper ones are scanned as
    /// text. Each level decodes its text once more, so the bound keeps a value's cost linear in its length.</summary>
    public const int MaxInnerLevels = 4;

    /// <summary>The scope of a value under a key with <paramref name="flags"/>, given every pattern that is on.</summary>
    public MaskingScope Under(KeyFlags flags, MaskPatterns enabled)
    {
        var patterns = Patterns;
        if ((flags & KeyFlags.Version) != 0)
        {
            patterns &= ~MaskPatterns.Ip;
        }

        if ((flags & KeyFlags.Identifier) != 0)
        {
            patterns &= ~NumberPatterns;
        }

        var context = Context | (flags & KeyFlags.PiiContext);

        // A key that names the kind keeps its patterns on under an identifier word (caller_id, phone_id).
        patterns |= enabled & ContextPatterns(context);
        return this with { Patterns = patterns, Context = context, Depth = Depth + 1 };
    }

    /// <summary>The number patterns an identifier key turns off: a decimal-only span ID can pass Luhn.</summary>
    public const MaskPatterns NumberPatterns =
        MaskPatterns.Card | MaskPatterns.Phone | MaskPatterns.Ssn | MaskPatterns.Iban | MaskPatterns.NationalId;

    private static MaskPatterns ContextPatterns(KeyFlags context)
    {
        var patterns = MaskPatterns.None;
        if ((context & KeyFlags.PhoneContext) != 0)
        {
            patterns |= MaskPatterns.Phone;
        }

        if ((context & KeyFlags.SsnContext) != 0)
        {
            patterns |= MaskPatterns.Ssn;
        }

        if ((context & KeyFlags.CardContext) != 0)
        {
            patterns |= MaskPatterns.Card;
        }

        if ((context & KeyFlags.NationalIdContext) != 0)
        {
            patterns |= MaskPatterns.NationalId;
        }

        return patterns;
    }
}
