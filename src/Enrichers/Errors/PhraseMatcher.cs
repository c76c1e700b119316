namespace Enrichers.Errors;

/// <summary>Finds the first rule (lowest index) with a phrase in a text, as whole words, case-insensitively,
/// the words of a phrase separated by any run of spaces, <c>_</c> or <c>-</c>. It walks the text word by word
/// and looks each word up among the phrases' first words, which is several times faster than a regex
/// alternation of all phrases. Only phrases made of letters and digits can be handled this way
/// (<see cref="IsSupported"/>); others go through the regex path.</summary>
internal sealed class PhraseMatcher
{
    private const int MaxWordLength = 64;

    private readonly Dictionary<string, Phrase[]> _byFirstWord = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Phrase[]>.AlternateLookup<ReadOnlySpan<char>> _byFirstWordSpan;

    // By word length: a bit per ASCII first char (its low 6 bits, case folded) that some phrase's first word of that
    // length starts with. Nearly every word of an error text starts no phrase, and this rules it out before it is
    // lowercased and hashed, which was most of the matcher's time; a word that starts with a non-ASCII char is
    // always looked up (its lowercase may be ASCII: the Kelvin sign is 'k').
    private readonly ulong[] _firstChars = new ulong[MaxWordLength + 1];

    public PhraseMatcher(IReadOnlyList<ErrorCategoryRule> rules)
    {
        _byFirstWordSpan = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
        var phrases = new List<Phrase>();
        for (var rule = 0; rule < rules.Count; rule++)
        {
            foreach (var text in rules[rule].Phrases ?? [])
            {
                var words = text.Split([' ', '\t', '_', '-'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(w => w.ToLowerInvariant()).ToArray();
                if (words.Length == 0 || words.Any(w => w.Length > MaxWordLength || !w.All(char.IsLetterOrDigit)))
                {
                    IsSupported = false;
                    return;
                }

                phrases.Add(new Phrase(words, rule));
            }
        }

        foreach (var group in phrases.GroupBy(p => p.Words[0], StringComparer.Ordinal))
        {
            _byFirstWord.Add(group.Key, group.OrderBy(p => p.Rule).ToArray());
            _firstChars[group.Key.Length] |= group.Key[0] < 0x80 ? FirstCharBit(group.Key[0]) : ulong.MaxValue;
        }

        IsSupported = true;
    }

    public bool IsSupported { get; }

    /// <summary>The lowest rule index with a phrase in <paramref name="text"/> below <paramref name="below"/>,
    /// else <paramref name="below"/>.</summary>
    public int FirstRule(ReadOnlySpan<char> text, int below) => FirstRule(text, below, out _);

    /// <summary>As <see cref="FirstRule(ReadOnlySpan{char}, int)"/>; <paramref name="work"/> counts the characters
    /// examined, for tests that hold the matcher to time linear in the text.</summary>
    internal int FirstRule(ReadOnlySpan<char> text, int below, out long work)
    {
        Span<char> lower = stackalloc char[MaxWordLength];
        var best = below;
        var pos = 0;
        work = 0;
        while (best > 0 && NextWord(text, pos, out var start, out var length))
        {
            work += start + length - pos;
            pos = start + length;
            if (length > MaxWordLength || (text[start] < 0x80 && (_firstChars[length] & FirstCharBit(text[start])) == 0))
            {
                continue;
            }

            var word = lower[..text.Slice(start, length).ToLowerInvariant(lower)];
            if (!_byFirstWordSpan.TryGetValue(word, out var candidates))
            {
                continue;
            }

            foreach (var phrase in candidates)
            {
                if (phrase.Rule >= best)
                {
                    break;
                }

                if (phrase.Words.Length == 1 || RestMatches(text, pos, phrase.Words, lower, ref work))
                {
                    best = phrase.Rule;
                    break;
                }
            }
        }

        return best;
    }

    // The words after a phrase's first one. Only separators are skipped between them, and a word is read only as
    // far as the phrase's word is long: a phrase's first word followed by a long gap or word costs that phrase a
    // few characters, not the gap (which the walk in FirstRule reads once anyway).
    private static bool RestMatches(ReadOnlySpan<char> text, int pos, string[] words, Span<char> lower, ref long work)
    {
        for (var k = 1; k < words.Length; k++)
        {
            var start = pos;
            while (start < text.Length && IsSeparatorChar(text[start]))
            {
                start++;
            }

            var expected = words[k].Length;
            var length = 0;
            while (length <= expected && start + length < text.Length && IsWordChar(text[start + length]))
            {
                length++;
            }

            work += start - pos + length;
            if (start == pos || length != expected)
            {
                return false;
            }

            var word = lower[..text.Slice(start, length).ToLowerInvariant(lower)];
            if (!word.SequenceEqual(words[k]))
            {
                return false;
            }

            pos = start + length;
        }

        return true;
    }

    // ASCII letters of either case share a bit (0x20 is the case bit), as lowercasing would make them one char.
    private static ulong FirstCharBit(char c) => 1UL << ((c | 0x20) & 63);

    private static bool IsSeparatorChar(char c) => char.IsWhiteSpace(c) || c is '_' or '-';

    // A word is a maximal run of letters and digits (what \p{L}\p{N} is in the regex path).
    private static bool NextWord(ReadOnlySpan<char> text, int pos, out int start, out int length)
    {
        while (pos < text.Length && !IsWordChar(text[pos]))
        {
            pos++;
        }

        start = pos;
        while (pos < text.Length && IsWordChar(text[pos]))
        {
            pos++;
        }

        length = pos - start;
        return length > 0;
    }

    private static bool IsWordChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || (c >= 0x80 && char.GetUnicodeCategory(c) is
            >= System.Globalization.UnicodeCategory.UppercaseLetter and <= System.Globalization.UnicodeCategory.OtherLetter
            or >= System.Globalization.UnicodeCategory.DecimalDigitNumber and <= System.Globalization.UnicodeCategory.OtherNumber);

    private sealed record Phrase(string[] Words, int Rule);
}
