using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Key names: what a name says about its value (<see cref="KeyNameRules"/>: secret, personal data, identifier,
/// pair name or value), and a name that is itself personal data (an e-mail or IP address used as a key), which is
/// renamed to its masked text.</summary>
internal sealed class KeyNameMasker
{
    private readonly MaskingSettings _settings;
    private readonly KeyNameRules _keys;
    private readonly TextMasker _text;

    // Key rules judge names; the value patterns find personal data in them.
    private readonly MaskPatterns _patterns;

    public KeyNameMasker(MaskingSettings settings, TextMasker text)
    {
        _settings = settings;
        _keys = settings.Keys;
        _patterns = settings.Patterns & ~MaskPatterns.Key;
        _text = text;
    }

    /// <summary>What <paramref name="property"/>'s name says about its value; <paramref name="slot"/> is the name's
    /// slot in <paramref name="names"/> (-1 when it is not remembered there), by which the clean-value lookups of its
    /// values are paced (see <see cref="RepeatedTextCache.ShouldConsult"/>).</summary>
    public KeyFlags Evaluate(LogProperty property, RepeatedTextCache names, out int slot) =>
        property.TryGetRawName(out var raw) ? Evaluate(raw, names, out slot) : EvaluateDecoded(property, names, out slot);

    // Set by an enricher (already a string) or escaped in the input (rare): the decoded name. An ASCII one (the names
    // enrichers write: client.geo.*, trace.*, ten per record with GeoIP) is judged as its bytes, which the rules judge
    // as its chars, so it is remembered like a name from the input instead of judged every time. Its buffer is here,
    // not in the common path: a method with a stackalloc is compiled once, without profile data.
    private KeyFlags EvaluateDecoded(LogProperty property, RepeatedTextCache names, out int slot)
    {
        Span<byte> ascii = stackalloc byte[RepeatedTextCache.MaxLength];
        var name = property.Name.AsSpan();
        if (property.AsciiLength != name.Length || name.Length > ascii.Length
            || System.Text.Ascii.FromUtf16(name, ascii, out var length) != System.Buffers.OperationStatus.Done)
        {
            slot = -1;
            return Evaluate(name);
        }

        return Evaluate(ascii[..length], names, out slot);
    }

    private KeyFlags Evaluate(ReadOnlySpan<byte> raw, RepeatedTextCache names, out int slot)
    {
        slot = -1;

        // Names repeat in every record; splitting them into words each time cost more than the lookup.
        if (raw.Length > RepeatedTextCache.MaxLength)
        {
            return _keys.Evaluate(raw) | NameFlags(raw);
        }

        if (!names.TryGetKeyFlags(raw, out var flags, out slot))
        {
            flags = _keys.Evaluate(raw) | NameFlags(raw);
            slot = names.AddKeyFlags(raw, flags);
        }

        return flags;
    }

    /// <summary>What a name says about its value, judged afresh (no cache): as <see cref="Evaluate(LogProperty, RepeatedTextCache, out int)"/>
    /// judges it.</summary>
    public KeyFlags Evaluate(ReadOnlySpan<char> name) => _keys.Evaluate(name) | NameFlags(name);

    /// <summary>Renames a name that holds personal data to its masked text. Two masked names may be equal
    /// (<c>[email]</c> twice), and Elasticsearch refuses a document with a key twice, so a repeat gets a number
    /// (<c>[email]#2</c>). <paramref name="taken"/> holds the object's names once a first one was renamed.</summary>
    public void MaskName(LogObject obj, int index, LogProperty property, ref HashSet<string>? taken)
    {
        string name;
        try
        {
            name = property.Name;
            var scan = new ScanState(_patterns, _keys, ScanState.BudgetFor(name.Length, _settings.ScanWorkPerUnit));
            var masked = _text.MaskBuiltIn(name, ref scan);
            if (scan.OverBudget)
            {
                _settings.Statistics.ValueRedactedOverBudget(MaskingSettings.EnricherName);
                masked = MaskTypeNames.BudgetMarker;
            }

            if (ReferenceEquals(masked, name))
            {
                return;
            }

            name = masked;
        }
        catch (Exception ex)
        {
            FailClosed.Report(_settings.Statistics, ex);
            name = MaskTypeNames.ErrorMarker;
        }

        if (taken is null)
        {
            taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in obj.PropertySpan)
            {
                taken.Add(p.Name);
            }
        }

        var unique = name;
        for (var n = 2; !taken.Add(unique); n++)
        {
            unique = $"{name}#{n}";
        }

        obj.ReplaceAt(index, unique, property.Value);
        ChangeCounter.Add();
    }

    /// <summary>True when a name holds a value pattern: it is renamed by <see cref="MaskName"/>. A name that cannot
    /// be scanned is treated as holding one (fail closed).</summary>
    private KeyFlags NameFlags<T>(ReadOnlySpan<T> name)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        if (_patterns == MaskPatterns.None || name.IsEmpty)
        {
            return KeyFlags.None;
        }

        try
        {
            var scan = new ScanState(_patterns, _keys, ScanState.BudgetFor(name.Length, _settings.ScanWorkPerUnit));
            return ValueScanner.TryFindNext(name, 0, ref scan, out _) || scan.OverBudget ? KeyFlags.NameHoldsPii : KeyFlags.None;
        }
        catch (Exception)
        {
            return KeyFlags.NameHoldsPii;
        }
    }
}
