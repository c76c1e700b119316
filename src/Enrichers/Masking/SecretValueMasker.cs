using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>The whole value of a secret-named key (<c>"password"</c>, a pair's value whose name is a secret, see
/// <see cref="NameValuePairs"/>) becomes one marker or token, whatever it holds: objects and arrays included.</summary>
internal sealed class SecretValueMasker
{
    private readonly MaskReplacements _replacements;

    public SecretValueMasker(MaskReplacements replacements)
    {
        _replacements = replacements;
    }

    public void MaskWhole(LogObject owner, LogProperty property)
    {
        var value = property.Value;
        if (CarriesNoSecret(value))
        {
            return;
        }

        property.Value = MaskedWhole(value, owner.Pool);
    }

    /// <summary>null, "", {}, [], true, false and a signal name hold no secret; keeping them keeps "was it set?" and
    /// flags such as <c>"tests_pass": true</c> visible, and a boolean keeps its type in the index mapping.</summary>
    public static bool CarriesNoSecret(LogNode value) =>
        value.IsEmpty || value.Kind is LogNodeKind.True or LogNodeKind.False
        || (value is LogString s && IsSignalName(s));

    public LogString MaskedWhole(LogNode value, LogNodePool? pool)
    {
        string replacement;
        if (!_replacements.Tokens)
        {
            replacement = MaskTypeNames.Marker(MaskType.Key);
        }
        else
        {
            var text = value is LogString s ? s.Value : InnerJson.Write(value);
            replacement = _replacements.Token(MaskTypeNames.Name(MaskType.Key), text);
        }

        _replacements.CountMask(MaskType.Key);

        // From the session pool when there is one: secret-named keys are in most records.
        return pool is not null ? pool.String(replacement) : new LogString(replacement);
    }

    // Read from the raw bytes when there are some: decoding every secret-named value to a string only to compare it
    // allocated on most records.
    private static bool IsSignalName(LogString s)
    {
        if (s.IsRaw)
        {
            var raw = s.RawUtf8;
            return raw.Length <= 12 && NoSecretValues.IsSignal(raw, 0, raw.Length);
        }

        var value = s.Value;
        return value.Length <= 12 && NoSecretValues.IsSignal(value.AsSpan(), 0, value.Length);
    }
}
