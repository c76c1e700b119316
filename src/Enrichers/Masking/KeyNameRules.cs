using System.Numerics;

namespace Enrichers.Masking;

/// <summary>Key-name rules: a name matches a rule when its words (split at <c>_</c>, <c>-</c>, <c>.</c>,
/// spaces and camelCase, any case) end with the rule's words. Evaluated from the end of the raw name
/// against a reversed word trie, so a decision costs a few character comparisons and no allocation, which
/// is cheaper than looking the name up in a cache.</summary>
internal sealed class KeyNameRules
{
    /// <summary>The built-in secret rules. Besides the credential words: plurals that hold credentials
    /// (<c>secrets</c>, <c>api_keys</c>; not <c>tokens</c>, which counts them), header names of API gateways
    /// (<c>Ocp-Apim-Subscription-Key</c>, <c>X-Auth-Key</c>, <c>x-functions-key</c>), key material
    /// (<c>signing_key</c>, <c>tls.key</c>), signed-URL and OAuth parts (<c>X-Amz-Signature</c>, <c>sig</c>,
    /// <c>X-Amz-Credential</c>, <c>client_assertion</c>, <c>code_verifier</c>), one-time codes and password
    /// hashes (an offline cracking target), and session cookies known by name.</summary>
    public static readonly IReadOnlyList<string> DefaultSecretRules =
    [
        "password", "passwd", "pwd", "pw", "pass", "passphrase", "pass phrase", "passcode", "secret", "secret key", "token",
        "api key", "apikey", "authorization", "cookie", "set cookie", "private key", "privatekey", "access key", "accesskey",
        "session id", "sessionid", "credentials", "credential", "secrets", "passwords", "api keys", "apikeys",
        "access keys", "private keys", "secret keys", "subscription key", "auth key", "functions key", "function key",
        "master key", "account key", "shared key", "signing key", "encryption key", "client key", "tls key", "ssl key",
        "signature", "sig", "client assertion", "code verifier", "auth code", "authorization code", "otp", "totp",
        "password hash", "passwd hash", "pwd hash", "password digest", "phpsessid", "jsessionid", "connect sid",
        "csrftoken", "pat",
    ];

    /// <summary>Names that end with a secret rule but hold no secret: the longer name wins. Tokenizer settings of
    /// language models (<c>eos_token: "&lt;/s&gt;"</c>), the strong-name <c>PublicKeyToken</c> of .NET assemblies,
    /// code signatures, passes of an algorithm, test results (<c>tests_pass</c>).</summary>
    public static readonly IReadOnlyList<string> DefaultNotSecretRules =
    [
        "eos token", "bos token", "pad token", "unk token", "sep token", "cls token", "mask token", "max token",
        "public key token", "function signature", "method signature", "type signature", "call signature",
        "forward pass", "backward pass", "first pass", "second pass", "render pass", "max pass",
        "test pass", "tests pass", "check pass", "checks pass",
    ];

    /// <summary>Rule words that also end a name glued into one word (<c>PGPASSWORD</c>, <c>clientsecret</c>,
    /// <c>authtoken</c>), as environment variables are often written.</summary>
    private static readonly string[] GluedRules = ["password", "passwd", "passphrase", "secret", "apikey", "token"];

    /// <summary>The words of a name/value pair: a pair's value is masked when its name names a secret
    /// (<c>{"name": "DB_PASSWORD", "value": "…"}</c>).</summary>
    private static readonly string[] PairNameRules = ["name", "key"];

    private static readonly string[] PairValueRules = ["value"];

    /// <summary>Rules whose value in text runs to the end of its line.</summary>
    private static readonly string[] WholeLineRules = ["cookie", "set cookie"];

    private static readonly string[] AuthHeaderRules = ["authorization"];
    /// <summary>Context rules: a key whose words end with these names the kind of personal data its value holds,
    /// so the value's number patterns accept that kind's bare and unusual forms (<c>"caller_id": "14155550132"</c>,
    /// <c>"ssn": 123456789</c>), and keep them on under an identifier word (<c>phone_id</c>). Built in; the same
    /// rules read the key before a value in text (<c>phone=…</c>, <c>SSN: …</c>).</summary>
    public static readonly IReadOnlyList<(string Words, KeyFlags Flags)> DefaultContextRules = BuildContextRules();

    private readonly KeyWordNode _root = new(string.Empty);
    private readonly PairSet _endings = new();
    private readonly string[] _glued;

    public KeyNameRules(IEnumerable<string> secretRules, IEnumerable<string> versionRules, IEnumerable<string>? identifierRules = null,
        IEnumerable<string>? notSecretRules = null)
    {
        foreach (var rule in identifierRules ?? [])
        {
            Add(rule, KeyFlags.Identifier);
        }

        var secret = secretRules.ToList();
        foreach (var rule in secret)
        {
            Add(rule, KeyFlags.Secret);
        }

        foreach (var rule in notSecretRules ?? [])
        {
            Add(rule, KeyFlags.NotSecret);
        }

        foreach (var rule in PairNameRules)
        {
            Add(rule, KeyFlags.PairName);
        }

        foreach (var rule in PairValueRules)
        {
            Add(rule, KeyFlags.PairValue);
        }

        foreach (var rule in WholeLineRules)
        {
            Add(rule, KeyFlags.WholeLine);
        }

        foreach (var rule in AuthHeaderRules)
        {
            Add(rule, KeyFlags.AuthHeader);
        }

        var enabled = secret.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        _glued = GluedRules.Where(enabled.Contains).ToArray();

        foreach (var rule in versionRules)
        {
            Add(rule, KeyFlags.Version);
        }

        foreach (var (words, flags) in DefaultContextRules)
        {
            Add(words, flags);
        }
    }

    public static KeyNameRules Create(MaskingOptions options)
    {
        var disabled = options.DisabledKeyNames.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var secret = DefaultSecretRules.Concat(options.KeyNames).Where(r => !disabled.Contains(Normalize(r)));
        return new KeyNameRules(secret, options.VersionKeyNames, options.IdentifierKeyNames, DefaultNotSecretRules);
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

    /// <summary>The flags of every rule the name ends with; a numbered name (<c>password_2</c>, <c>password2</c>,
    /// <c>X-Hub-Signature-256</c>) is a secret when it is one without its number.</summary>
    public KeyFlags Evaluate<T>(ReadOnlySpan<T> name)
        where T : unmanaged, IBinaryInteger<T>
    {
        var flags = EvaluateWords(name);
        if ((flags & KeyFlags.Secret) == 0 && name.Length > 1 && IsDigit(C(name[^1])))
        {
            var end = name.Length - 1;
            while (end > 0 && (IsDigit(C(name[end - 1])) || IsSeparator(C(name[end - 1]))))
            {
                end--;
            }

            if (end > 0)
            {
                flags |= EvaluateWords(name[..end]) & KeyFlags.Secret;
            }
        }

        return flags;
    }

    /// <summary>False when no rule's last word ends with the ASCII characters <paramref name="a"/>, <paramref name="b"/>
    /// (<paramref name="b"/> a letter): then <see cref="Evaluate{T}(ReadOnlySpan{T})"/> of any name ending with them gives
    /// <see cref="KeyFlags.None"/> at once.</summary>
    public bool MayEndWith(int a, int b) => _endings.Contains(Pair(a, b));

    private KeyFlags EvaluateWords<T>(ReadOnlySpan<T> name)
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
        var first = true;
        while (node.Children.Length > 0 && PreviousWord(name, ref end, out var start))
        {
            var next = node.Find(name[start..end]);
            if (next is null)
            {
                if (first)
                {
                    flags |= Glued(name[start..end]);
                }

                break;
            }

            flags |= next.Flags;
            if ((next.Flags & KeyFlags.NotSecret) != 0)
            {
                flags &= ~KeyFlags.Secret;
            }

            node = next;
            end = start;
            first = false;
        }

        return flags;
    }

    // A last word that ends with a glued rule word and is longer than it: PGPASSWORD, dbpassword, clientsecret.
    private KeyFlags Glued<T>(ReadOnlySpan<T> word)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var rule in _glued)
        {
            if (word.Length > rule.Length && EndsWithIgnoreCase(word, rule))
            {
                return KeyFlags.Secret;
            }
        }

        return KeyFlags.None;
    }

    private static bool EndsWithIgnoreCase<T>(ReadOnlySpan<T> word, string lower)
        where T : unmanaged, IBinaryInteger<T>
    {
        var offset = word.Length - lower.Length;
        for (var k = 0; k < lower.Length; k++)
        {
            var c = C(word[offset + k]);
            if ((IsUpper(c) ? c | 0x20 : c) != lower[k])
            {
                return false;
            }
        }

        return true;
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

    private static List<(string, KeyFlags)> BuildContextRules()
    {
        var rules = new List<(string, KeyFlags)>();
        void AddAll(KeyFlags flags, IEnumerable<string> bases, IEnumerable<string> suffixes)
        {
            foreach (var b in bases)
            {
                foreach (var suffix in suffixes)
                {
                    rules.Add((suffix.Length == 0 ? b : b + " " + suffix, flags));
                }
            }
        }

        // "cell id" is a radio cell, not a phone: cell takes no "id".
        AddAll(KeyFlags.PhoneContext, ["phone", "telephone", "tel", "mobile", "msisdn", "fax", "caller", "callee", "whatsapp"],
            ["", "number", "numbers", "no", "id", "e164"]);
        AddAll(KeyFlags.PhoneContext, ["phones", "mobiles", "cell", "cellphone", "cell phone", "mobile phone"], ["", "number"]);
        AddAll(KeyFlags.SsnContext, ["ssn", "social security", "social security number", "social security no"], ["", "number"]);
        rules.Add(("ssns", KeyFlags.SsnContext));
        AddAll(KeyFlags.CardContext, ["card", "credit card", "debit card", "payment card", "cc", "card no", "cardnumber"], ["", "number"]);
        AddAll(KeyFlags.CardContext | KeyFlags.NationalIdContext, ["pan"], ["", "number", "no"]);
        AddAll(KeyFlags.NationalIdContext, ["aadhaar", "aadhar", "uidai", "nino", "ni number", "ni no", "national insurance",
            "national insurance number", "national id", "permanent account number", "pan card"], ["", "number", "no"]);
        return rules;
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
