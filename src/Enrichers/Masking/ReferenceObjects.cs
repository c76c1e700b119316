using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Decides when the walk may skip an object GeoIP made and filled with its database's texts and numbers
/// (<see cref="LogObject.IsMarkedReferenceOnly"/>): only where walking it provably changes nothing. Per configuration,
/// decided once: no custom patterns (they scan reference data), and no name GeoIP writes there
/// (<see cref="FieldNames.GeoObjectMemberNames"/>) is a secret, a pair's value, a PII context or holds PII itself under
/// the key rules and patterns. Per record: the keys above put no PII context on the object (its numbers would be
/// scanned), and each member is still reference data, a literal or such an object: <see cref="LogProperty.Value"/> is
/// public, so a value set in place after GeoIP is seen here, not by the mark.</summary>
internal sealed class ReferenceObjects
{
    /// <summary>The flags by which a name changes its value, its siblings or itself in the walk; the others only
    /// choose patterns, which reference data never meets.</summary>
    internal const KeyFlags Acting = KeyFlags.Secret | KeyFlags.PairValue | KeyFlags.PiiContext | KeyFlags.NameHoldsPii;

    // GeoIP nests two deep (client.geo.location, client.as.organization); deeper marked objects are walked.
    private const int MaxNesting = 2;

    private readonly bool _enabled;
    private readonly MaskingSettings _settings;

    public ReferenceObjects(MaskingSettings settings, KeyNameMasker names)
    {
        _settings = settings;
        _enabled = settings.Custom.Length == 0 && !FieldNames.GeoObjectMemberNames.Any(n => (names.Evaluate(n) & Acting) != 0);
    }

    /// <summary>True when walking <paramref name="obj"/> in <paramref name="scope"/> would change nothing.</summary>
    public bool CanSkip(LogObject obj, in MaskingScope scope)
    {
        // A deferred object holds exactly what GeoIP gave it (any read or change makes it nodes, marked as below):
        // nothing to check per member. Asking for the mark first would make its nodes.
        if (!_enabled || (scope.Context & KeyFlags.PiiContext) != 0
            || (!obj.IsDeferred && (!obj.IsMarkedReferenceOnly || !HoldsReferenceOnly(obj, 0))))
        {
            return false;
        }

        _settings.SkipProbe?.Invoke(obj);
        return true;
    }

    private static bool HoldsReferenceOnly(LogObject obj, int nesting)
    {
        foreach (var property in obj.PropertySpan)
        {
            var ok = property.Value switch
            {
                LogString s => s.IsFromReferenceData,
                LogLiteral => true,
                LogObject o => nesting < MaxNesting && o.IsMarkedReferenceOnly && HoldsReferenceOnly(o, nesting + 1),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
