using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Masks PII and credentials in every string at any depth (value patterns), in JSON held in strings, in key
/// names, in numbers under keys that name personal data, and whole values of secret-named keys (key rules). Runs last
/// in the chain. Shared and thread-safe; never throws: if masking a value fails, the failure is reported and that
/// value is redacted (fail closed), the index's own fields kept when they have their type's plain shape.
/// A string with no pattern anchor is checked on its raw UTF-8 bytes and never decoded or rewritten.</summary>
/// <remarks>The work is done by <see cref="MaskingWalk"/> and the parts it holds; this type validates the options,
/// builds them, and is the fail-closed boundary for the record as a whole.</remarks>
public sealed class PiiMaskingEnricher : ILogEnricher
{
    private const string OptionsPrefix = "Enrichment:Masking";

    private readonly MaskingSettings _settings;
    private readonly MaskingWalk _walk;

    /// <exception cref="EnrichmentConfigurationException">The options are invalid or the HMAC key file cannot
    /// be read; the message names the setting, never the secret.</exception>
    public PiiMaskingEnricher(MaskingOptions options, EnrichmentStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        var errors = options.Validate(OptionsPrefix).ToList();
        if (errors.Count > 0)
        {
            throw new EnrichmentConfigurationException(string.Join(" ", errors));
        }

        var key = options.LoadHmacKey(OptionsPrefix);
        _settings = new MaskingSettings(options, statistics, key is null ? null : new HmacTokenizer(key, options.HmacTokenLength / 2));
        _walk = new MaskingWalk(_settings);
    }

    public string Name => MaskingSettings.EnricherName;

    /// <summary>Scan work allowed per code unit of a value (see <see cref="ScanState"/>); lowered by tests to
    /// drive the fail-closed path.</summary>
    internal int ScanWorkPerUnit
    {
        get => _settings.ScanWorkPerUnit;
        init => _settings.ScanWorkPerUnit = value;
    }

    /// <summary>Called with each string value before it is scanned; tests use it to make a scan fail. Null in
    /// production.</summary>
    internal Action<LogString>? ScanProbe
    {
        get => _settings.ScanProbe;
        init => _settings.ScanProbe = value;
    }

    /// <summary>Called with each of GeoIP's objects the walk skips (see <see cref="ReferenceObjects"/>); tests use it to
    /// see the skip happen. Null in production.</summary>
    internal Action<LogObject>? SkipProbe
    {
        get => _settings.SkipProbe;
        init => _settings.SkipProbe = value;
    }

    public void Enrich(LogRecord record)
    {
        try
        {
            // Once per record: reading a thread-static per string showed up in profiles.
            var cache = RepeatedTextCache.For(this);
            var clean = _settings.Custom.Length == 0 ? cache : null;
            _walk.WalkObject(record.Root, null, new MaskingScope(_settings.Patterns, KeyFlags.None, 0, 0, record.Pool, clean, cache));
        }
        catch (Exception ex)
        {
            // A failure outside any one value (each value fails closed on its own, see ValueMasker.Mask): letting the
            // record go on half-masked would leak, so report, then redact every string but the index's own fields
            // that have their plain shape.
            _settings.Statistics.ReportFailure(Name, ex);
            FailClosed.RedactAllStrings(record.Root, null, depth: 0);
        }
    }

    public override string ToString() =>
        $"masking(patterns: {_settings.Patterns}, custom: {_settings.Custom.Length}, tokens: {(_settings.Hmac is null ? "markers" : "hmac-sha256")})";
}
