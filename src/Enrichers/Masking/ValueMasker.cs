using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Masks one value: a string (through the clean-text cache, as JSON when it holds JSON, else scanned on its raw
/// UTF-8 and rebuilt only when something matched) or a number under a key that names personal data. Each value fails
/// closed on its own (see <see cref="FailClosed"/>).</summary>
internal sealed class ValueMasker
{
    /// <summary>Stands for "the record's root" as the owner of a root property (see <see cref="Mask"/>).</summary>
    public static readonly LogProperty RootMarker = new(string.Empty, LogLiteral.Null);

    // A bit of the clean-value cache's key above the patterns (bits 0-14) and the key's PII context (bits 24-27).
    private const int UnparsedKeyBit = 1 << 30;

    private readonly MaskingSettings _settings;
    private readonly EnrichmentStatistics _statistics;
    private readonly KeyNameRules _keys;
    private readonly KeepIpFields _keepIp;
    private readonly MaskReplacements _replacements;
    private readonly TextMasker _text;
    private readonly MaskingWalk _walk;

    // Custom patterns see every value (reference data too), and only strings: the raw fast paths are for built-ins.
    private readonly bool _custom;

    public ValueMasker(MaskingSettings settings, MaskReplacements replacements, TextMasker text, MaskingWalk walk)
    {
        _settings = settings;
        _statistics = settings.Statistics;
        _keys = settings.Keys;
        _keepIp = settings.KeepIp;
        _custom = settings.Custom.Length > 0;
        _replacements = replacements;
        _text = text;
        _walk = walk;
    }

    /// <summary>Masks one string, failing closed for it alone: if masking it throws (a bug, or text nothing expected),
    /// the failure is reported and counted, and the value becomes <see cref="MaskTypeNames.ErrorMarker"/>, unless it is
    /// one of the index's own fields with the plain shape of its type (see <see cref="IndexFields"/>), which is kept.
    /// <paramref name="owner"/> is <see cref="RootMarker"/> for a root property, the root property holding the object
    /// for a nested one, null elsewhere; <paramref name="property"/> is the value's property when it has one, and
    /// <paramref name="keySlot"/> its name's slot in the names cache (-1 none: see
    /// <see cref="RepeatedTextCache.ShouldConsult"/>).</summary>
    public void Mask(LogString s, in MaskingScope scope, LogProperty? owner, LogProperty? property, int keySlot)
    {
        // GeoIP names and configured categories hold no record text; custom patterns still see them.
        if (s.IsFromReferenceData && !_custom)
        {
            return;
        }

        try
        {
            _settings.ScanProbe?.Invoke(s);
            MaskString(s, in scope, keySlot);
        }
        catch (Exception ex)
        {
            FailClosed.Report(_statistics, ex);
            ChangeCounter.Add();
            FailClosed.Redact(s, property is null || owner is null
                ? IndexFieldShape.None
                : IndexFields.ShapeOf(ReferenceEquals(owner, RootMarker) ? null : owner, property));
        }
    }

    /// <summary>A JSON number under a key that names personal data (<c>"phone": 4155550132</c>,
    /// <c>"ssn": 123456789</c>): scanned as text with the key's context, and when all of it is a match, a string
    /// marker (or token) takes its place. Null when it stays.</summary>
    public LogString? MaskNumber(LogLiteral number, in MaskingScope scope)
    {
        var raw = number.RawUtf8;
        string replacement;
        try
        {
            var scan = new ScanState(scope.Patterns, _keys, ScanState.BudgetFor(raw.Length, _settings.ScanWorkPerUnit), scope.Context);
            if (!ValueScanner.TryFindNext(raw, 0, ref scan, out var match) || match.Start != 0 || match.End != raw.Length)
            {
                return null;
            }

            replacement = _replacements.ReplacementUtf8(match.Type, raw);
            _replacements.CountMask(match.Type);
        }
        catch (Exception ex)
        {
            FailClosed.Report(_statistics, ex);
            ChangeCounter.Add();
            replacement = MaskTypeNames.ErrorMarker;
        }

        return scope.Pool is { } pool ? pool.String(replacement) : new LogString(replacement);
    }

    private void MaskString(LogString s, in MaskingScope scope, int keySlot)
    {
        var patterns = scope.Patterns;
        var pool = scope.Pool;
        var clean = scope.Clean;
        if ((patterns & MaskPatterns.Ip) != 0 && !_keepIp.IsEmpty && scope.InnerLevel == 0 && _keepIp.Contains(scope.Depth))
        {
            patterns &= ~MaskPatterns.Ip;
        }

        // Empty once an enricher set a string value (then IsRaw is false).
        var raw = s.RawUtf8;

        // Only without custom patterns (clean is null otherwise): the cache knows the built-in ones only.
        if (clean is not null && (!s.IsRaw || raw.Length > RepeatedTextCache.MaxValueLength))
        {
            clean = null;
        }

        // What a value holds depends on the patterns and on what its key says (a bare number is a phone under
        // "phone" only), so both make the cache's key; and so does whether JSON inside it is parsed: at the deepest
        // inner level it is only scanned as text, so what is clean there (a password under a key rule, one level
        // further in) is not clean where the same bytes are parsed and their keys judged.
        var unparsed = scope.InnerLevel >= MaskingScope.MaxInnerLevels ? UnparsedKeyBit : 0;
        var cacheKey = (MaskPatterns)((int)patterns | ((int)(scope.Context & KeyFlags.PiiContext) << 16) | unparsed);
        if (clean is not null)
        {
            // A key whose values keep missing is mostly not looked up (nor are its values remembered): the value is
            // scanned in full, as a new one would be.
            if (!clean.ShouldConsult(keySlot))
            {
                clean.CountValue(keySlot, found: false);
                clean = null;
            }
            else
            {
                var found = clean.IsClean(raw, cacheKey);
                clean.CountValue(keySlot, found);
                if (found)
                {
                    return;
                }
            }
        }

        if (scope.InnerLevel < MaskingScope.MaxInnerLevels && InnerJson.LooksLikeContainer(s)
            && InnerJson.TryMask(s, scope with { Patterns = patterns }, _walk))
        {
            return;
        }

        string value;
        string masked;
        var scan = new ScanState(patterns, _keys, ScanState.BudgetFor(s.IsRaw ? raw.Length : s.Value.Length, _settings.ScanWorkPerUnit), scope.Context);
        if (s.IsRaw && !s.RawHasEscapes)
        {
            // The common case: found and rebuilt from the raw bytes, never decoded whole.
            if (ValueScanner.TryFindNext(raw, 0, ref scan, out var first))
            {
                if (pool is not null && !_custom)
                {
                    // In a session: rebuilt as bytes in the session's arena, no string made or transcoded back.
                    var rebuilt = _text.MaskToUtf8(raw, first, ref scan);
                    if (scan.OverBudget)
                    {
                        RedactOverBudget(s);
                        return;
                    }

                    s.SetUnescapedUtf8(pool.Copy(rebuilt));
                    return;
                }

                masked = _text.MaskUtf8(raw, first, ref scan);
                if (scan.OverBudget)
                {
                    RedactOverBudget(s);
                    return;
                }

                s.Value = _custom ? _text.ApplyCustom(masked) : masked;
                return;
            }

            if (scan.OverBudget)
            {
                RedactOverBudget(s);
                return;
            }

            if (!_custom)
            {
                clean?.AddClean(raw, cacheKey);
                return;
            }

            value = s.Value;
            masked = value;
        }
        else
        {
            if (s.IsRaw && !_custom && TextMasker.TryDecodeToScratch(s, out var chars))
            {
                if (!ValueScanner.TryFindNext(chars, 0, ref scan, out var match))
                {
                    if (scan.OverBudget)
                    {
                        RedactOverBudget(s);
                        return;
                    }

                    // Escaped input with nothing to mask: decoded into scratch only, so no string is made and
                    // the value keeps its input bytes.
                    clean?.AddClean(raw, cacheKey);
                    return;
                }

                masked = _text.MaskChars(chars, match, ref scan);
                if (scan.OverBudget)
                {
                    RedactOverBudget(s);
                    return;
                }

                s.Value = masked;
                return;
            }

            value = s.Value;
            masked = _text.MaskBuiltIn(value, ref scan);
            if (scan.OverBudget)
            {
                RedactOverBudget(s);
                return;
            }
        }

        if (_custom)
        {
            masked = _text.ApplyCustom(masked);
        }

        // Only a changed value is set, so untouched strings keep their input bytes.
        if (!ReferenceEquals(masked, value))
        {
            s.Value = masked;
        }
    }

    /// <summary>Fail closed: a value whose scan passed its work budget may hold anything the scan did not reach,
    /// so all of it goes. The record goes on; the statistics count it (the worker logs it, without content).</summary>
    private void RedactOverBudget(LogString s)
    {
        s.Value = MaskTypeNames.BudgetMarker;
        _statistics.ValueRedactedOverBudget(MaskingSettings.EnricherName);
        ChangeCounter.Add();
    }
}
