using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Secrets whose name is a value rather than a key: a name/value pair (<c>{"name": "DB_PASSWORD",
/// "value": "…"}</c> of a Kubernetes <c>env</c> list, <c>{"Key": "Authorization", "Value": "…"}</c>,
/// <c>{"header_name": …, "header_value": …}</c>), a header list of pairs (<c>[["x-api-key", "…"]]</c>), an argument
/// list (<c>["mysql", "--password", "…"]</c>). The name is judged by the key rules, as a key would be.</summary>
internal static class NameValuePairs
{
    /// <summary>Whether the property at <paramref name="index"/>, a pair's value (<see cref="KeyFlags.PairValue"/>), has a
    /// sibling pair name (<see cref="KeyFlags.PairName"/>) whose string names a secret.</summary>
    public static bool ValueOfSecretName(ReadOnlySpan<LogProperty> properties, int index, KeyNameRules keys)
    {
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            if (i != index && property.Value is LogString name && (Evaluate(property, keys) & KeyFlags.PairName) != 0
                && (keys.Evaluate(name.Value.AsSpan()) & KeyFlags.Secret) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the item at <paramref name="index"/> follows a string that names a secret: the second of a
    /// pair (an array of two), or the argument after an option (<c>--password</c>, <c>-p</c> stays out: only named
    /// options).</summary>
    public static bool FollowsSecretName(ReadOnlySpan<LogNode> items, int index, KeyNameRules keys)
    {
        if (index == 0 || items[index - 1] is not LogString name)
        {
            return false;
        }

        var text = name.Value;
        return (items.Length == 2 || text.StartsWith("--", StringComparison.Ordinal))
            && text.Length <= 64 && (keys.Evaluate(text.AsSpan()) & KeyFlags.Secret) != 0;
    }

    private static KeyFlags Evaluate(LogProperty property, KeyNameRules keys) =>
        property.TryGetRawName(out var raw) ? keys.Evaluate(raw) : keys.Evaluate(property.Name.AsSpan());
}
