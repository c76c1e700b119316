using System.Text.RegularExpressions;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>What one <see cref="PiiMaskingEnricher"/> was configured with, shared by the parts of its walk: built once,
/// read on every value, so the parts hold it rather than copies of each setting.</summary>
internal sealed class MaskingSettings
{
    /// <summary>The enricher's name, as failures and over-budget values are reported under it.</summary>
    public const string EnricherName = "masking";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    public MaskingSettings(MaskingOptions options, EnrichmentStatistics statistics, HmacTokenizer? hmac)
    {
        Statistics = statistics;
        var patterns = MaskPatterns.All;
        foreach (var name in options.DisabledPatterns)
        {
            MaskTypeNames.TryParse(name, out var type);
            patterns &= ~(MaskPatterns)(1 << (int)type);
        }

        Patterns = patterns;
        KeyRules = (patterns & MaskPatterns.Key) != 0;
        Keys = KeyNameRules.Create(options);
        Hmac = hmac;
        Custom = options.Patterns
            .Select(p => (p.Name, new Regex(p.Regex, RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout)))
            .ToArray();
        KeepIp = new KeepIpFields(options.KeepIpFields);
    }

    public EnrichmentStatistics Statistics { get; }

    /// <summary>The built-in patterns that are on.</summary>
    public MaskPatterns Patterns { get; }

    /// <summary>Whether secret-named keys have their whole value masked (<see cref="MaskPatterns.Key"/> is on).</summary>
    public bool KeyRules { get; }

    public KeyNameRules Keys { get; }

    /// <summary>Null when matches become markers rather than tokens.</summary>
    public HmacTokenizer? Hmac { get; }

    public (string Name, Regex Regex)[] Custom { get; }

    public KeepIpFields KeepIp { get; }

    /// <summary>Scan work allowed per code unit of a value (see <see cref="ScanState"/>); lowered by tests.</summary>
    public int ScanWorkPerUnit { get; set; } = ScanState.DefaultWorkPerUnit;

    /// <summary>Called with each string value before it is scanned; set by tests only.</summary>
    public Action<LogString>? ScanProbe { get; set; }

    /// <summary>Called with each object the walk skips as GeoIP's reference data (see <see cref="ReferenceObjects"/>);
    /// set by tests only.</summary>
    public Action<LogObject>? SkipProbe { get; set; }
}
