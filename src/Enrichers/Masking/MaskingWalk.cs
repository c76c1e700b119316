using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>The walk over a record's objects and arrays: each property's name is judged (<see cref="KeyNameMasker"/>),
/// a secret's whole value masked (<see cref="SecretValueMasker"/>), every other string and number under a key that
/// names personal data masked (<see cref="ValueMasker"/>), and names that hold personal data renamed. It allocates
/// nothing of its own per value: the scope is a struct passed down, the property path a per-thread array.</summary>
internal sealed class MaskingWalk
{
    private readonly MaskPatterns _patterns;
    private readonly bool _keyRules;
    private readonly KeyNameRules _keys;
    private readonly KeepIpFields _keepIp;
    private readonly KeyNameMasker _names;
    private readonly SecretValueMasker _secrets;
    private readonly ValueMasker _values;
    private readonly ReferenceObjects _reference;

    public MaskingWalk(MaskingSettings settings)
    {
        _patterns = settings.Patterns;
        _keyRules = settings.KeyRules;
        _keys = settings.Keys;
        _keepIp = settings.KeepIp;
        var replacements = new MaskReplacements(settings.Statistics, settings.Hmac);
        var text = new TextMasker(settings, replacements);
        _names = new KeyNameMasker(settings, text);
        _secrets = new SecretValueMasker(replacements);
        _reference = new ReferenceObjects(settings, _names);

        // The value masker walks JSON held in a string with this walk (see InnerJson.TryMask).
        _values = new ValueMasker(settings, replacements, text, this);
    }

    /// <summary>Walks an object or array parsed from a string (see <see cref="InnerJson"/>): it has no owner.</summary>
    public void WalkContainer(LogNode node, in MaskingScope scope)
    {
        if (node is LogObject o)
        {
            WalkObject(o, null, in scope);
        }
        else
        {
            WalkValue(node, null, in scope);
        }
    }

    public void WalkObject(LogObject obj, LogProperty? owner, in MaskingScope scope)
    {
        // GeoIP's own objects: about a dozen names judged and values passed over per record, for nothing.
        if (_reference.CanSkip(obj, in scope))
        {
            return;
        }

        // The property path is needed only to recognize KeepIpFields (null otherwise).
        var depth = scope.Depth;
        var path = _keepIp.PathFor(depth, scope.InnerLevel);
        HashSet<string>? taken = null;
        var properties = obj.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var flags = _names.Evaluate(property, scope.Names, out var keySlot);
            if (_keyRules && ((flags & KeyFlags.Secret) != 0
                || ((flags & KeyFlags.PairValue) != 0 && NameValuePairs.ValueOfSecretName(properties, i, _keys))))
            {
                _secrets.MaskWhole(obj, property);
            }
            else
            {
                if (path is not null)
                {
                    path[depth] = property;
                }

                var inner = scope.Under(flags, _patterns);
                if (property.Value is LogString s)
                {
                    _values.Mask(s, in inner, scope.InnerLevel != 0 ? null : depth == 0 ? ValueMasker.RootMarker : owner, property, keySlot);
                }
                else if (property.Value is LogLiteral { Kind: LogNodeKind.Number } n && (inner.Context & KeyFlags.PiiContext) != 0)
                {
                    if (_values.MaskNumber(n, in inner) is { } masked)
                    {
                        property.Value = masked;
                    }
                }
                else
                {
                    WalkValue(property.Value, depth == 0 && scope.InnerLevel == 0 ? property : null, in inner);
                }
            }

            if ((flags & KeyFlags.NameHoldsPii) != 0)
            {
                _names.MaskName(obj, i, property, ref taken);
            }
        }
    }

    private void WalkValue(LogNode node, LogProperty? owner, in MaskingScope scope)
    {
        switch (node)
        {
            case LogString s:
                _values.Mask(s, in scope, owner: null, property: null, keySlot: -1);
                break;
            case LogObject o:
                WalkObject(o, owner, in scope);
                break;
            case LogArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (_keyRules && !SecretValueMasker.CarriesNoSecret(a[i]) && NameValuePairs.FollowsSecretName(a.ItemSpan, i, _keys))
                    {
                        a[i] = _secrets.MaskedWhole(a[i], scope.Pool);
                    }
                    else if (a[i] is LogLiteral { Kind: LogNodeKind.Number } n && (scope.Context & KeyFlags.PiiContext) != 0)
                    {
                        if (_values.MaskNumber(n, in scope) is { } masked)
                        {
                            a[i] = masked;
                        }
                    }
                    else
                    {
                        WalkValue(a[i], owner: null, in scope);
                    }
                }

                break;
        }
    }
}
