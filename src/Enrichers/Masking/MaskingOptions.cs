using System.Text;
using System.Text.RegularExpressions;

namespace Enrichers.Masking;

/// <summary>Options of PII and credential masking (section <c>Enrichment:Masking</c>). Every built-in
/// pattern and key rule is on by default.</summary>
public sealed class MaskingOptions
{
    /// <summary>Shortest accepted HMAC key, in UTF-8 bytes.</summary>
    public const int MinHmacKeyBytes = 16;

    /// <summary>Secret for keyed HMAC-SHA256 tokens (<c>[email:3f9a1c2b7d4e5f60]</c>) instead of plain markers
    /// (<c>[email]</c>). Default: none. Give it through the environment
    /// (<c>LOGPIPELINE__Enrichment__Masking__HmacKey</c>) or <see cref="HmacKeyFile"/>, never in a committed
    /// file. At least 16 bytes. It is never logged or shown by <see cref="ToString"/>.</summary>
    public string? HmacKey { get; set; }

    /// <summary>Path of a file holding the HMAC secret (e.g. a mounted Kubernetes secret); surrounding
    /// whitespace and the final newline are ignored. Default: none. Exclusive with <see cref="HmacKey"/>.</summary>
    public string? HmacKeyFile { get; set; }

    /// <summary>Hex characters of the HMAC shown in a token. Default 16 (64 bits: collisions are negligible
    /// for counting distinct values). Allowed: even numbers from 8 to 64.</summary>
    public int HmacTokenLength { get; set; } = 16;

    /// <summary>Built-in patterns to switch off, by name: email, phone, card, ssn, iban, jwt, bearer,
    /// api_key, private_key, url_password, ip, key (key rules), national_id. Default: none.</summary>
    public List<string> DisabledPatterns { get; set; } = [];

    /// <summary>Extra value patterns (name + regular expression). Default: none. Each one makes every string
    /// value go through the regex engine, so they cost more than the built-ins.</summary>
    public List<MaskingPattern> Patterns { get; set; } = [];

    /// <summary>Extra key-name rules, written as words (<c>"credit card"</c>, <c>"client_cert"</c>,
    /// <c>"dateOfBirth"</c>): a key whose words end with these words has its whole value masked. Default: none.
    /// The built-in rules are password, passwd, pwd, passphrase, secret, secret key, token, api key, apikey,
    /// authorization, cookie, set cookie, private key, privatekey, access key, accesskey, session id,
    /// sessionid, credentials.</summary>
    public List<string> KeyNames { get; set; } = [];

    /// <summary>Built-in key-name rules to switch off, as words (e.g. <c>"pwd"</c>). Default: none.</summary>
    public List<string> DisabledKeyNames { get; set; } = [];

    /// <summary>Keys whose words end with these words hold version strings, so their values are not scanned for
    /// IPv4 addresses (<c>"app_version": "1.2.3.4"</c>, <c>"build": "2.17.8.231"</c> stay); the same words before a
    /// dotted quad in text (<c>Version=4.0.0.0</c>, <c>build 2.17.8.231</c>) keep it too. Default: <c>version</c>,
    /// <c>build</c>.</summary>
    public List<string> VersionKeyNames { get; set; } = ["version", "build"];

    /// <summary>Keys whose words end with these words hold identifiers (trace, span, request IDs), so their
    /// values are not scanned for card, phone, SSN or IBAN numbers: a decimal-only span ID can pass Luhn.
    /// E-mail addresses, keys, tokens and IP addresses are still masked there. Default: id, traceparent,
    /// tracestate, b3, traceid, spanid, parentspanid.</summary>
    public List<string> IdentifierKeyNames { get; set; } = ["id", "traceparent", "tracestate", "b3", "traceid", "spanid", "parentspanid"];

    /// <summary>Dotted paths whose values are never masked as IP addresses, e.g. <c>client.ip</c> when GeoIP's
    /// <c>IpPolicy</c> is <c>keep</c>. Default: none (network addresses such as GeoIP's truncated
    /// <c>81.2.69.0</c> or <c>2001:db8:1234::</c> are kept anyway).</summary>
    public List<string> KeepIpFields { get; set; } = [];

    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed. Never quotes the HMAC key.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(HmacKey) && !string.IsNullOrEmpty(HmacKeyFile))
        {
            errors.Add($"{prefix}:HmacKey and {prefix}:HmacKeyFile are both set; set only one of them.");
        }
        else if (HmacKey is not null && Encoding.UTF8.GetByteCount(HmacKey.Trim()) < MinHmacKeyBytes)
        {
            errors.Add($"{prefix}:HmacKey is set but shorter than {MinHmacKeyBytes} bytes; use a random secret of at least {MinHmacKeyBytes} bytes (the value is not shown).");
        }
        else if (!string.IsNullOrEmpty(HmacKeyFile))
        {
            if (!File.Exists(HmacKeyFile))
            {
                errors.Add($"{prefix}:HmacKeyFile is '{HmacKeyFile}', which does not exist; give the path of a readable file holding the secret.");
            }
            else
            {
                try
                {
                    if (KeyFile.Read(HmacKeyFile, $"{prefix}:HmacKeyFile").Length < MinHmacKeyBytes)
                    {
                        errors.Add($"{prefix}:HmacKeyFile '{HmacKeyFile}' holds fewer than {MinHmacKeyBytes} bytes; use a random secret of at least {MinHmacKeyBytes} bytes (the content is not shown).");
                    }
                }
                catch (EnrichmentConfigurationException ex)
                {
                    errors.Add(ex.Message);
                }
            }
        }

        if (HmacTokenLength is < 8 or > 64 || HmacTokenLength % 2 != 0)
        {
            errors.Add($"{prefix}:HmacTokenLength is {HmacTokenLength}; allowed: an even number from 8 to 64.");
        }

        for (var i = 0; i < DisabledPatterns.Count; i++)
        {
            if (DisabledPatterns[i] is null || !MaskTypeNames.TryParse(DisabledPatterns[i], out _))
            {
                errors.Add($"{prefix}:DisabledPatterns:{i} is '{DisabledPatterns[i]}'; allowed: {string.Join(", ", MaskTypeNames.All)}.");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Patterns.Count; i++)
        {
            var p = Patterns[i];
            var key = $"{prefix}:Patterns:{i}";
            if (p is null)
            {
                errors.Add($"{key} is empty; give a Name and a Regex.");
                continue;
            }

            if (string.IsNullOrEmpty(p.Name) || p.Name.Length > 32 || !p.Name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                errors.Add($"{key}:Name is '{p.Name}'; allowed: 1 to 32 characters of a-z, 0-9 and _.");
            }
            else if (MaskTypeNames.TryParse(p.Name, out _) || !names.Add(p.Name))
            {
                errors.Add($"{key}:Name is '{p.Name}', which is already taken (built-in names: {string.Join(", ", MaskTypeNames.All)}); choose another name.");
            }

            if (string.IsNullOrEmpty(p.Regex))
            {
                errors.Add($"{key}:Regex is empty; give a .NET regular expression.");
            }
            else
            {
                try
                {
                    _ = new Regex(p.Regex, RegexOptions.CultureInvariant);
                }
                catch (ArgumentException ex)
                {
                    errors.Add($"{key}:Regex is '{p.Regex}', which is not a valid .NET regular expression: {ex.Message}");
                }
            }
        }

        ValidateWords(errors, $"{prefix}:KeyNames", KeyNames);
        ValidateWords(errors, $"{prefix}:VersionKeyNames", VersionKeyNames);
        ValidateWords(errors, $"{prefix}:IdentifierKeyNames", IdentifierKeyNames);
        ValidateWords(errors, $"{prefix}:DisabledKeyNames", DisabledKeyNames);
        for (var i = 0; i < DisabledKeyNames.Count; i++)
        {
            if (DisabledKeyNames[i] is { } words && KeyNameRules.SplitWords(words).Count > 0 && !KeyNameRules.IsDefaultRule(words))
            {
                errors.Add($"{prefix}:DisabledKeyNames:{i} is '{words}', which is not a built-in key rule; allowed: {string.Join(", ", KeyNameRules.DefaultSecretRules)}.");
            }
        }

        for (var i = 0; i < KeepIpFields.Count; i++)
        {
            var path = KeepIpFields[i];
            if (string.IsNullOrWhiteSpace(path) || path.StartsWith('.') || path.EndsWith('.') || path.Contains("..", StringComparison.Ordinal))
            {
                errors.Add($"{prefix}:KeepIpFields:{i} is '{path}'; allowed: a dotted field path such as client.ip.");
            }
        }

        return errors;
    }

    /// <summary>The settings, with the HMAC key shown only as set or not set.</summary>
    public override string ToString() =>
        $"Masking(Hmac={(HasHmacKey ? "set" : "not set")}, HmacTokenLength={HmacTokenLength}, " +
        $"DisabledPatterns=[{string.Join(",", DisabledPatterns)}], Patterns=[{string.Join(",", Patterns.Select(p => p?.Name))}], " +
        $"KeyNames=[{string.Join(",", KeyNames)}], DisabledKeyNames=[{string.Join(",", DisabledKeyNames)}], " +
        $"VersionKeyNames=[{string.Join(",", VersionKeyNames)}], IdentifierKeyNames=[{string.Join(",", IdentifierKeyNames)}], KeepIpFields=[{string.Join(",", KeepIpFields)}])";

    internal bool HasHmacKey => !string.IsNullOrEmpty(HmacKey) || !string.IsNullOrEmpty(HmacKeyFile);

    /// <summary>The secret as bytes, or null when none is configured.</summary>
    /// <exception cref="EnrichmentConfigurationException">The key file cannot be read (names the path only).</exception>
    internal byte[]? LoadHmacKey(string prefix)
    {
        if (!string.IsNullOrEmpty(HmacKey))
        {
            return Encoding.UTF8.GetBytes(HmacKey.Trim());
        }

        if (string.IsNullOrEmpty(HmacKeyFile))
        {
            return null;
        }

        return KeyFile.Read(HmacKeyFile, $"{prefix}:HmacKeyFile");
    }

    private static void ValidateWords(List<string> errors, string key, List<string> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var value = list[i];
            if (value is null || KeyNameRules.SplitWords(value).Count == 0 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' '))
            {
                errors.Add($"{key}:{i} is '{value}'; allowed: words of ASCII letters and digits separated by space, _, -, . or camelCase.");
            }
        }
    }
}
