using System.Numerics;

namespace Enrichers.Masking;

/// <summary>Key-name rules: a name matches a rule when its words (split at <c>_</c>, <c>-</c>, <c>.</c>,
/// spaces and camelCase, any case) end with the rule's words. Evaluated from the end of the raw name
/// against a reversed word trie, so a decision costs a few character comparisons and no allocation, which
/// is cheaper than looking the name up in a cache.</summary>
internal sealed class KeyNameRules
{
    /// <summary>The built-in secret rules.</summary>
    public static readonly IReadOnlyList<string> DefaultSecretRules =
    [
        "password", "passwd", "pwd", "passphrase", "secret", "secret key", "token", "api key", "apikey",
        "authorization", "cookie", "set cookie", "private key", "privatekey", "access key", "accesskey",
        "session id", "sessionid", "credentials",
    ];

    private readonly KeyWordNode _root = new(string.Empty);
    private readonly PairSet _endings = new();

    public KeyNameRules(IEnumerable<string> secretRules, IEnumerable<string> versionRules, IEnumerable<string>? identifierRules = null)
    {
        foreach (var rule in identifierRules ?? [])
        {
            Add(rule, KeyFlags.Identifier);
        }

        foreach (var rule in secretRules)
        {
            Add(rule, KeyFlags.Secret);
        }

        foreach (var rule in versionRules)
        {
            Add(rule, KeyFlags.Version);
        }
    }

    public static KeyNameRules Create(MaskingOptions options)
    {
        var disabled = options.DisabledKeyNames.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var secret = DefaultSecretRules.Concat(options.KeyNames).Where(r => !disabled.Contains(Normalize(r)));
        return new KeyNameRules(secret, options.VersionKeyNames, options.IdentifierKeyNames);
    }

    public static bool IsDefaultRule(string words) => DefaultSecretRules.Any(r => Normalize(r) == Normalize(words));

    /// <summary>The lowercase words of a name, in order.</summary>
    public static List<string> SplitWords(string name)
    {
        var words = new List<string>();
        var span = name.AsSpan();
        var end = span.Length;
        while (PreviousWord(span, ref end, out var start))
        {
            words.Add(span[start..end].ToString().ToLowerInvariant());
            end = start;
        }

        words.Reverse();
        return words;
    }

    /// <summary>The flags of every rule the name ends with.</summary>
    public KeyFlags Evaluate<T>(ReadOnlySpan<T> name)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Most names end with two letters no rule ends with: decided without splitting words.
        if (name.Length >= 2)
        {
            int a = C(name[^2]), b = C(name[^1]);
            if (a < 0x80 && b < 0x80 && !IsSeparator(b) && !_endings.Contains(Pair(a, b)))
            {
                return KeyFlags.None;
            }
        }

        var node = _root;
        var end = name.Length;
        var flags = KeyFlags.None;
        while (node.Children.Length > 0 && PreviousWord(name, ref end, out var start))
        {
            var next = node.Find(name[start..end]);
            if (next is null)
            {
                break;
            }

            flags |= next.Flags;
            node = next;
            end = start;
        }

        return flags;
    }

    /// <summary>Moves to the word that ends at or before <paramref name="end"/>; false when there is none.</summary>
    internal static bool PreviousWord<T>(ReadOnlySpan<T> s, ref int end, out int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var e = end;
        while (e > 0 && IsSeparator(C(s[e - 1])))
        {
            e--;
        }

        end = e;
        start = e;
        if (e == 0)
        {
            return false;
        }

        var i = e - 1;
        if (IsUpper(C(s[i])))
        {
            // An all-caps word (API_KEY, sessionID): the run of capitals and digits.
            while (i > 0 && (IsUpper(C(s[i - 1])) || IsDigit(C(s[i - 1]))))
            {
                i--;
            }
        }
        else
        {
            while (i > 0 && IsLowerOrDigit(C(s[i - 1])))
            {
                i--;
            }

            // camelCase: the capital that starts the word belongs to it (accessToken, APIKey).
            if (i > 0 && IsUpper(C(s[i - 1])))
            {
                i--;
            }
        }

        start = i;
        return true;
    }

    private void Add(string rule, KeyFlags flags)
    {
        var words = SplitWords(rule);
        if (words.Count == 0)
        {
            return;
        }

        var node = _root;
        for (var i = words.Count - 1; i >= 0; i--)
        {
            node = node.GetOrAdd(words[i]);
        }

        node.Flags |= flags;
        var last = words[^1];
        if (last.Length >= 2)
        {
            _endings.Add(Pair(last[^2], last[^1]));
        }
        else
        {
            // A one-letter last word ends names in too many ways for the two-letter shortcut.
            _endings.AddAllPairs();
        }
    }

    private static int Pair(int a, int b) => ((a | 0x20) << 7) | (b | 0x20);

    private static string Normalize(string words) => string.Join(' ', SplitWords(words));

    private static int C<T>(T c)
        where T : unmanaged, IBinaryInteger<T> => CodeUnit.Value(c);

    private static bool IsSeparator(int c) => c < 0x80 && !char.IsAsciiLetterOrDigit((char)c);

    private static bool IsUpper(int c) => (uint)(c - 'A') <= 'Z' - 'A';

    private static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    // Non-ASCII letters have no ASCII case: they continue the current word.
    private static bool IsLowerOrDigit(int c) => (uint)(c - 'a') <= 'z' - 'a' || IsDigit(c) || c >= 0x80;
}
